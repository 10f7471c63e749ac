//! Operand and control stack type checking for function bodies (the spec appendix algorithm).
//! Separate from the translator so each stays small; [`crate::compile`] drives both in one pass.

use alloc::vec::Vec;

use crate::error::Error;
use crate::types::ValType;

type R<T> = Result<T, Error>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CtrlKind {
    Block,
    Loop,
    If,
    Else,
    Func,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctrl<'a> {
    pub kind: CtrlKind,
    pub params: &'a [ValType],
    pub results: &'a [ValType],
    pub height: usize,
    pub unreachable: bool,
}

impl<'a> Ctrl<'a> {
    /// Types a branch to this frame's label carries.
    pub fn label_types(&self) -> &'a [ValType] {
        if self.kind == CtrlKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

pub(crate) struct Validator<'a> {
    vals: Vec<Option<ValType>>,
    ctrls: Vec<Ctrl<'a>>,
}

fn mismatch(off: usize) -> Error {
    Error::invalid(off, "type mismatch")
}

impl<'a> Validator<'a> {
    pub fn new() -> Self {
        Validator {
            vals: Vec::new(),
            ctrls: Vec::new(),
        }
    }
    /// Whether code at this point is reachable.
    pub fn reachable(&self) -> bool {
        self.ctrls.last().is_some_and(|c| !c.unreachable)
    }
    pub fn push(&mut self, t: ValType) {
        self.vals.push(Some(t));
    }
    pub fn push_opt(&mut self, t: Option<ValType>) {
        self.vals.push(t);
    }
    pub fn push_many(&mut self, ts: &[ValType]) {
        for t in ts {
            self.vals.push(Some(*t));
        }
    }
    pub fn pop(&mut self, off: usize) -> R<Option<ValType>> {
        let c = self.ctrls.last().ok_or_else(|| mismatch(off))?;
        if self.vals.len() == c.height {
            if c.unreachable {
                return Ok(None);
            }
            return Err(mismatch(off));
        }
        Ok(self.vals.pop().flatten())
    }
    pub fn pop_expect(&mut self, off: usize, t: ValType) -> R<Option<ValType>> {
        let a = self.pop(off)?;
        match a {
            Some(a) if a != t => Err(mismatch(off)),
            a => Ok(a),
        }
    }
    pub fn pop_many(&mut self, off: usize, ts: &[ValType]) -> R<()> {
        for t in ts.iter().rev() {
            self.pop_expect(off, *t)?;
        }
        Ok(())
    }
    /// Pops a reference-typed operand; returns its type if known.
    pub fn pop_ref(&mut self, off: usize) -> R<Option<ValType>> {
        match self.pop(off)? {
            Some(t) if !t.is_ref() => Err(mismatch(off)),
            t => Ok(t),
        }
    }
    pub fn push_ctrl(
        &mut self,
        off: usize,
        kind: CtrlKind,
        params: &'a [ValType],
        results: &'a [ValType],
    ) -> R<()> {
        if kind != CtrlKind::Func {
            self.pop_many(off, params)?;
        }
        self.ctrls.push(Ctrl {
            kind,
            params,
            results,
            height: self.vals.len(),
            unreachable: false,
        });
        if kind != CtrlKind::Func {
            self.push_many(params);
        }
        Ok(())
    }
    pub fn pop_ctrl(&mut self, off: usize) -> R<Ctrl<'a>> {
        let c = *self.ctrls.last().ok_or_else(|| mismatch(off))?;
        self.pop_many(off, c.results)?;
        if self.vals.len() != c.height {
            return Err(mismatch(off));
        }
        self.ctrls.pop();
        Ok(c)
    }
    /// The frame `depth` labels out (0 = innermost).
    pub fn label(&self, off: usize, depth: u32) -> R<Ctrl<'a>> {
        let i = self
            .ctrls
            .len()
            .checked_sub(1 + depth as usize)
            .ok_or_else(|| Error::invalid(off, "unknown label"))?;
        self.ctrls
            .get(i)
            .copied()
            .ok_or_else(|| Error::invalid(off, "unknown label"))
    }
    pub fn set_unreachable(&mut self) {
        if let Some(c) = self.ctrls.last_mut() {
            self.vals.truncate(c.height);
            c.unreachable = true;
        }
    }
    /// Checks that the top of the stack matches `ts` without consuming it (for `br_if`, `br_table`).
    /// `keep_actual`: push back what was popped (br_table) rather than `ts` (br_if).
    pub fn check_top(&mut self, off: usize, ts: &[ValType], keep_actual: bool) -> R<()> {
        let mut popped = Vec::new();
        for t in ts.iter().rev() {
            popped.push(self.pop_expect(off, *t)?);
        }
        if keep_actual {
            while let Some(t) = popped.pop() {
                self.push_opt(t);
            }
        } else {
            self.push_many(ts);
        }
        Ok(())
    }
}
