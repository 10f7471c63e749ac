//! The block bookkeeping of the C and Zig `wit_bindgen_core::abi::Bindgen` impls.
//!
//! `abi::call` emits nested blocks (list elements, variant cases, option/result arms): each block's
//! statements are generated into the bindgen's `src`, then handed, with the block's results, to the
//! instruction that consumes it. Both backends do this identically; only the statements differ.

/// A finished block, waiting for the instruction that consumes it.
pub struct Block {
    /// The block's statements.
    pub src: String,
    /// The block's result expressions.
    pub results: Vec<String>,
    /// Unique id within the function (names `base{id}`/`e{id}` locals of list blocks).
    pub id: usize,
    /// The payload name `VariantPayloadName` set inside the block, if any.
    pub payload: Option<String>,
}

/// Open (enclosing) and finished blocks of one function.
#[derive(Default)]
pub struct Blocks {
    /// The enclosing blocks' statements, ids and payload names, innermost last.
    open: Vec<(String, usize, Option<String>)>,
    /// Finished blocks not yet consumed.
    done: Vec<Block>,
    /// The id of the most recently opened block.
    last_id: usize,
}

impl Blocks {
    /// The id of the innermost open block (0 outside any block).
    pub fn current_id(&self) -> usize {
        self.open.last().map(|b| b.1).unwrap_or(0)
    }

    /// Opens a block: the enclosing statements and payload name are set aside until [`Self::finish`].
    pub fn push(&mut self, src: &mut String, payload: &mut Option<String>) {
        self.last_id += 1;
        self.open
            .push((std::mem::take(src), self.last_id, payload.take()));
    }

    /// Closes the innermost block with `operands` as its results and restores the enclosing
    /// statements and payload name.
    pub fn finish(
        &mut self,
        src: &mut String,
        payload: &mut Option<String>,
        operands: &mut Vec<String>,
    ) {
        let (prev_src, id, prev_payload) = self.open.pop().expect("unbalanced blocks");
        self.done.push(Block {
            src: std::mem::replace(src, prev_src),
            results: std::mem::take(operands),
            id,
            payload: std::mem::replace(payload, prev_payload),
        });
    }

    /// The last finished block.
    pub fn pop(&mut self) -> Option<Block> {
        self.done.pop()
    }

    /// The last `n` finished blocks, in the order they were finished.
    pub fn take_last(&mut self, n: usize) -> Vec<Block> {
        self.done.split_off(self.done.len() - n)
    }
}
