//! A bounds-checked byte reader for the binary format. Every read returns an error with the
//! absolute byte offset instead of panicking.

use crate::error::Error;

type R<T> = Result<T, Error>;

#[derive(Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Absolute offset of `data[0]` in the module.
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }
    /// Absolute offset of the next byte.
    pub fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
    pub fn eof_err(&self) -> Error {
        Error::malformed(self.offset(), "unexpected end of section or function")
    }
    pub fn u8(&mut self) -> R<u8> {
        match self.data.get(self.pos) {
            Some(b) => {
                self.pos += 1;
                Ok(*b)
            }
            None => Err(self.eof_err()),
        }
    }
    pub fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }
    pub fn bytes(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.eof_err())?;
        match self.data.get(self.pos..end) {
            Some(s) => {
                self.pos = end;
                Ok(s)
            }
            None => Err(Error::malformed(self.offset(), "unexpected end")),
        }
    }
    /// A sub-reader over the next `n` bytes.
    pub fn sub(&mut self, n: usize) -> R<Reader<'a>> {
        let off = self.offset();
        let data = self.bytes(n)?;
        Ok(Reader::new(data, off))
    }
    pub fn u32(&mut self) -> R<u32> {
        let start = self.offset();
        let mut result: u32 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.u8()?;
            if shift == 28 && (b & 0x70) != 0 {
                return Err(Error::malformed(start, "integer too large"));
            }
            result |= ((b & 0x7f) as u32) << shift;
            if b & 0x80 == 0 {
                return Ok(result);
            }
            shift += 7;
            if shift > 28 {
                return Err(Error::malformed(start, "integer representation too long"));
            }
        }
    }
    fn signed(&mut self, bits: u32) -> R<i64> {
        let start = self.offset();
        let mut result: i64 = 0;
        let mut shift = 0u32;
        let max_bytes = bits.div_ceil(7);
        let mut count = 0;
        loop {
            let b = self.u8()?;
            count += 1;
            if count == max_bytes {
                // Last byte: the bits beyond `bits` must be a sign extension.
                if b & 0x80 != 0 {
                    return Err(Error::malformed(start, "integer representation too long"));
                }
                let used = bits - shift; // significant bits in this byte
                if used < 7 {
                    let hi = b >> (used - 1);
                    if hi != 0 && hi != (0x7f >> (used - 1)) {
                        return Err(Error::malformed(start, "integer too large"));
                    }
                }
            }
            if shift < 64 {
                result |= ((b & 0x7f) as i64) << shift;
            }
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && (b & 0x40) != 0 {
                    result |= -1i64 << shift;
                }
                return Ok(result);
            }
        }
    }
    pub fn i32(&mut self) -> R<i32> {
        Ok(self.signed(32)? as i32)
    }
    pub fn i64(&mut self) -> R<i64> {
        self.signed(64)
    }
    /// A signed 33-bit integer (block types).
    pub fn s33(&mut self) -> R<i64> {
        self.signed(33)
    }
    pub fn f32_bits(&mut self) -> R<u32> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn f64_bits(&mut self) -> R<u64> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    /// A length-prefixed UTF-8 name.
    pub fn name(&mut self) -> R<&'a str> {
        let n = self.u32()? as usize;
        let off = self.offset();
        let b = self.bytes(n)?;
        core::str::from_utf8(b).map_err(|_| Error::malformed(off, "malformed UTF-8 encoding"))
    }
    /// A vector length, bounded by the bytes left (each element needs at least `min_size` bytes).
    pub fn count(&mut self, min_size: usize) -> R<u32> {
        let off = self.offset();
        let n = self.u32()?;
        if (n as usize).saturating_mul(min_size.max(1)) > self.remaining() {
            return Err(Error::malformed(off, "length out of bounds"));
        }
        Ok(n)
    }
}
