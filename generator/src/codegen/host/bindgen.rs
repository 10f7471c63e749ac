//! The host side of one WIT function: a `wit_bindgen_core::abi::Bindgen` that turns the shared
//! instruction stream into Rust calling `embwit_host::abi` helpers.
//!
//! Imports (the guest calls the host) are driven with `AbiVariant::GuestImport` +
//! `LiftArgsLowerResults`; exports (the host calls the guest) with `AbiVariant::GuestExport` +
//! `LowerArgsLiftResults`. Every value the guest hands over goes through a checked helper, so
//! the generated code contains no indexing or `unwrap` a guest could trip.

use std::fmt::Write as _;

use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction, WasmType};
use wit_parser::{Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type};

use super::Types;

/// Which side of the call the generated code sits on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A host function the guest imports.
    Import,
    /// A wrapper that calls a guest export.
    Export,
}

#[derive(Default)]
struct Block {
    code: String,
    elem: Option<String>,
    base: Option<String>,
    payload: Option<String>,
}

struct Finished {
    code: String,
    results: Vec<String>,
    elem: Option<String>,
    base: Option<String>,
    payload: Option<String>,
}

/// Generates the body of one import closure or export wrapper.
pub struct FunctionBindgen<'a> {
    pub types: &'a Types<'a>,
    pub side: Side,
    /// Rust expressions of the (flat, for imports; WIT-level, for exports) arguments.
    pub params: Vec<String>,
    /// The Rust call of the host implementation (imports), e.g. `HostPin::set`.
    pub callee: String,
    /// Alternative export names (exports) and post-return names.
    pub export_names: Vec<String>,
    pub post_names: Vec<String>,
    /// The module the code lives in, for type paths.
    pub module: &'a [String],
    blocks: Vec<Block>,
    finished: Vec<Finished>,
    tmp: usize,
    /// Whether handles are lent to the guest for the duration of an export call.
    lends: bool,
    /// The flat results of the export call, handed to post-return.
    post_rets: Option<String>,
    /// Size and alignment of the return area an export hands back, if it uses one.
    pub ret_area: Option<(usize, usize)>,
    /// The WIT name of the function, for trap messages.
    pub func_name: String,
    /// The flat result types of an import (what `Return` stores).
    pub result_types: Vec<WasmType>,
    pub error: Option<String>,
}

fn wasm_val(ty: WasmType, expr: &str) -> String {
    match ty {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => {
            format!("embwit_host::Val::I32({expr})")
        }
        WasmType::I64 | WasmType::PointerOrI64 => format!("embwit_host::Val::I64({expr})"),
        WasmType::F32 => format!("embwit_host::Val::F32({expr})"),
        WasmType::F64 => format!("embwit_host::Val::F64({expr})"),
    }
}

/// `.i32()?` etc.: reads a flat value of the expected type.
pub fn wasm_get(ty: WasmType) -> &'static str {
    match ty {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => "i32",
        WasmType::I64 | WasmType::PointerOrI64 => "i64",
        WasmType::F32 => "f32",
        WasmType::F64 => "f64",
    }
}

fn bitcast(c: &Bitcast, e: &str) -> String {
    match c {
        Bitcast::None
        | Bitcast::PToI32
        | Bitcast::I32ToP
        | Bitcast::PToL
        | Bitcast::LToP
        | Bitcast::I32ToL
        | Bitcast::LToI32
        | Bitcast::P64ToI64
        | Bitcast::I64ToP64 => e.to_string(),
        Bitcast::F32ToI32 => format!("({e}).to_bits() as i32"),
        Bitcast::F64ToI64 => format!("({e}).to_bits() as i64"),
        Bitcast::I32ToI64 | Bitcast::LToI64 | Bitcast::PToP64 => format!("i64::from({e})"),
        Bitcast::F32ToI64 => format!("i64::from(({e}).to_bits())"),
        Bitcast::I32ToF32 => format!("f32::from_bits(({e}) as u32)"),
        Bitcast::I64ToF64 => format!("f64::from_bits(({e}) as u64)"),
        Bitcast::I64ToI32 | Bitcast::I64ToL | Bitcast::P64ToP => format!("(({e}) as i32)"),
        Bitcast::I64ToF32 => format!("f32::from_bits(({e}) as u32)"),
        Bitcast::Sequence(seq) => bitcast(&seq[1], &bitcast(&seq[0], e)),
    }
}

fn off(o: &ArchitectureSize) -> usize {
    o.size_wasm32()
}

impl<'a> FunctionBindgen<'a> {
    pub fn new(types: &'a Types<'a>, side: Side, module: &'a [String]) -> Self {
        FunctionBindgen {
            types,
            side,
            params: Vec::new(),
            callee: String::new(),
            export_names: Vec::new(),
            post_names: Vec::new(),
            module,
            blocks: vec![Block::default()],
            finished: Vec::new(),
            tmp: 0,
            lends: false,
            post_rets: None,
            ret_area: None,
            func_name: String::new(),
            result_types: Vec::new(),
            error: None,
        }
    }

    /// The generated statements.
    pub fn into_code(mut self) -> String {
        let code = self.blocks.pop().map(|b| b.code).unwrap_or_default();
        if self.lends {
            format!(
                "let mut lent: embwit_host::__rt::Vec<(&'static str, i32)> = embwit_host::__rt::Vec::new();\n{code}"
            )
        } else {
            code
        }
    }

    fn fresh(&mut self, base: &str) -> String {
        self.tmp += 1;
        format!("{base}{}", self.tmp)
    }

    fn push(&mut self, line: impl AsRef<str>) {
        let b = self.blocks.last_mut().expect("a block is always open");
        b.code.push_str(line.as_ref());
        b.code.push('\n');
    }

    fn bind(&mut self, expr: String, results: &mut Vec<String>) {
        let t = self.fresh("t");
        self.push(format!("let {t} = {expr};"));
        results.push(t);
    }

    fn unsupported(&mut self, what: &str) {
        if self.error.is_none() {
            self.error = Some(what.to_string());
        }
    }

    fn ty(&self, t: &Type) -> String {
        self.types.render(t, self.module)
    }

    fn resource_const(&self, handle: &Handle) -> String {
        let (Handle::Own(r) | Handle::Borrow(r)) = handle;
        self.types.resource_const_path(*r, self.module)
    }

    fn resource_ty(&self, handle: &Handle) -> String {
        let (Handle::Own(r) | Handle::Borrow(r)) = handle;
        self.types.render(&Type::Id(*r), self.module)
    }

    fn take_blocks(&mut self, n: usize) -> Vec<Finished> {
        let at = self.finished.len() - n;
        self.finished.drain(at..).collect()
    }

    fn tuple_of(items: &[String]) -> String {
        match items.len() {
            0 => String::new(),
            1 => format!("({},)", items[0]),
            _ => format!("({})", items.join(", ")),
        }
    }
}

impl Bindgen for FunctionBindgen<'_> {
    type Operand = String;

    fn emit(
        &mut self,
        _resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<String>,
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        let op = |i: usize| operands[i].clone();
        match inst {
            I::GetArg { nth } => results.push(self.params[*nth].clone()),
            I::I32Const { val } => results.push(format!("{val}i32")),
            I::Bitcasts { casts } => {
                for (c, o) in casts.iter().zip(operands.iter()) {
                    results.push(bitcast(c, o));
                }
            }
            I::ConstZero { tys } => {
                for t in tys.iter() {
                    results.push(
                        match t {
                            WasmType::I64 | WasmType::PointerOrI64 => "0i64",
                            WasmType::F32 => "0f32",
                            WasmType::F64 => "0f64",
                            _ => "0i32",
                        }
                        .to_string(),
                    );
                }
            }
            I::I32Load { offset } | I::PointerLoad { offset } | I::LengthLoad { offset } => self
                .bind(
                    format!(
                        "embwit_host::abi::load_i32(cx, {}, {})?",
                        op(0),
                        off(offset)
                    ),
                    results,
                ),
            I::I32Load8U { offset } => self.bind(
                format!("embwit_host::abi::load_u8(cx, {}, {})?", op(0), off(offset)),
                results,
            ),
            I::I32Load8S { offset } => self.bind(
                format!("embwit_host::abi::load_s8(cx, {}, {})?", op(0), off(offset)),
                results,
            ),
            I::I32Load16U { offset } => self.bind(
                format!(
                    "embwit_host::abi::load_u16(cx, {}, {})?",
                    op(0),
                    off(offset)
                ),
                results,
            ),
            I::I32Load16S { offset } => self.bind(
                format!(
                    "embwit_host::abi::load_s16(cx, {}, {})?",
                    op(0),
                    off(offset)
                ),
                results,
            ),
            I::I64Load { offset } => self.bind(
                format!(
                    "embwit_host::abi::load_i64(cx, {}, {})?",
                    op(0),
                    off(offset)
                ),
                results,
            ),
            I::F32Load { offset } => self.bind(
                format!(
                    "embwit_host::abi::load_f32(cx, {}, {})?",
                    op(0),
                    off(offset)
                ),
                results,
            ),
            I::F64Load { offset } => self.bind(
                format!(
                    "embwit_host::abi::load_f64(cx, {}, {})?",
                    op(0),
                    off(offset)
                ),
                results,
            ),
            I::I32Store { offset } | I::PointerStore { offset } | I::LengthStore { offset } => self
                .push(format!(
                    "embwit_host::abi::store_i32(cx, {}, {}, {})?;",
                    op(1),
                    off(offset),
                    op(0)
                )),
            I::I32Store8 { offset } => self.push(format!(
                "embwit_host::abi::store_u8(cx, {}, {}, {})?;",
                op(1),
                off(offset),
                op(0)
            )),
            I::I32Store16 { offset } => self.push(format!(
                "embwit_host::abi::store_u16(cx, {}, {}, {})?;",
                op(1),
                off(offset),
                op(0)
            )),
            I::I64Store { offset } => self.push(format!(
                "embwit_host::abi::store_i64(cx, {}, {}, {})?;",
                op(1),
                off(offset),
                op(0)
            )),
            I::F32Store { offset } => self.push(format!(
                "embwit_host::abi::store_f32(cx, {}, {}, {})?;",
                op(1),
                off(offset),
                op(0)
            )),
            I::F64Store { offset } => self.push(format!(
                "embwit_host::abi::store_f64(cx, {}, {}, {})?;",
                op(1),
                off(offset),
                op(0)
            )),
            I::I32FromChar | I::I32FromU32 => results.push(format!("({} as i32)", op(0))),
            I::I64FromU64 => results.push(format!("({} as i64)", op(0))),
            I::I64FromS64 | I::I32FromS32 | I::CoreF32FromF32 | I::CoreF64FromF64 => {
                results.push(op(0))
            }
            I::I32FromU16 | I::I32FromS16 | I::I32FromU8 | I::I32FromS8 | I::I32FromBool => {
                results.push(format!("i32::from({})", op(0)))
            }
            I::S8FromI32 => results.push(format!("({} as i8)", op(0))),
            I::U8FromI32 => results.push(format!("({} as u8)", op(0))),
            I::S16FromI32 => results.push(format!("({} as i16)", op(0))),
            I::U16FromI32 => results.push(format!("({} as u16)", op(0))),
            I::S32FromI32 | I::S64FromI64 | I::F32FromCoreF32 | I::F64FromCoreF64 => {
                results.push(op(0))
            }
            I::U32FromI32 => results.push(format!("({} as u32)", op(0))),
            I::U64FromI64 => results.push(format!("({} as u64)", op(0))),
            I::CharFromI32 => self.bind(
                format!("embwit_host::abi::char_from_i32({})?", op(0)),
                results,
            ),
            I::BoolFromI32 => results.push(format!("({} != 0)", op(0))),

            I::StringLower { .. } => {
                let (p, l) = (self.fresh("ptr"), self.fresh("len"));
                self.push(format!(
                    "let ({p}, {l}) = embwit_host::abi::lower_string(cx, &{})?;",
                    op(0)
                ));
                results.push(p);
                results.push(l);
            }
            I::ListCanonLower { .. } => {
                let (p, l) = (self.fresh("ptr"), self.fresh("len"));
                self.push(format!(
                    "let ({p}, {l}) = embwit_host::abi::lower_list(cx, &{}[..])?;",
                    op(0)
                ));
                results.push(p);
                results.push(l);
            }
            I::ListLower { element, .. } => {
                let body = self.take_blocks(1).remove(0);
                let size = self.types.sizes.size(element).size_wasm32();
                let align = self.types.sizes.align(element).align_wasm32();
                let (v, p, l) = (self.fresh("vec"), self.fresh("ptr"), self.fresh("len"));
                let elem = body.elem.unwrap_or_else(|| "_".into());
                let base = body.base.unwrap_or_else(|| "_".into());
                self.push(format!("let {v} = {};", op(0)));
                self.push(format!("let {l} = {v}.len();"));
                self.push(format!(
                    "let {p} = embwit_host::abi::alloc_list(cx, {l}, {size}, {align})?;"
                ));
                self.push(format!(
                    "for (i, {elem}) in {v}.into_iter().enumerate() {{\nlet {base} = {p} + (i as i32) * {size};\n{}}}",
                    body.code
                ));
                results.push(p);
                results.push(format!("({l} as i32)"));
            }
            I::StringLift => self.bind(
                format!("embwit_host::abi::lift_string(cx, {}, {})?", op(0), op(1)),
                results,
            ),
            I::ListCanonLift { element, .. } => {
                let t = self.ty(element);
                self.bind(
                    format!(
                        "embwit_host::abi::lift_list::<{t}, _>(cx, {}, {})?",
                        op(0),
                        op(1)
                    ),
                    results,
                )
            }
            I::ListLift { element, .. } => {
                let body = self.take_blocks(1).remove(0);
                let size = self.types.sizes.size(element).size_wasm32();
                let align = self.types.sizes.align(element).align_wasm32();
                let (v, n, p) = (self.fresh("vec"), self.fresh("n"), self.fresh("base"));
                let base = body.base.unwrap_or_else(|| "_".into());
                let t = self.ty(element);
                self.push(format!("let {p} = {};", op(0)));
                self.push(format!(
                    "let {n} = embwit_host::abi::check_list(cx, {p}, {}, {size}, {align})?;",
                    op(1)
                ));
                self.push(format!(
                    "let mut {v}: embwit_host::__rt::Vec<{t}> = embwit_host::__rt::Vec::with_capacity({n}.min(1024));"
                ));
                self.push(format!(
                    "for i in 0..{n} {{\nlet {base} = {p} + (i as i32) * {size};\n{}{v}.push({});\n}}",
                    body.code, body.results[0]
                ));
                results.push(v);
            }
            I::IterElem { .. } => {
                let e = self.fresh("e");
                self.blocks.last_mut().unwrap().elem = Some(e.clone());
                results.push(e);
            }
            I::IterBasePointer => {
                let b = self.fresh("base");
                self.blocks.last_mut().unwrap().base = Some(b.clone());
                results.push(b);
            }
            I::RecordLower { record, ty, .. } => {
                let path = self.types.render(&Type::Id(*ty), self.module);
                let mut fields = Vec::new();
                let mut pats = Vec::new();
                for f in &record.fields {
                    let t = self.fresh("f");
                    pats.push(format!("{}: {t}", super::field_name(&f.name)));
                    fields.push(t);
                }
                self.push(format!("let {path} {{ {} }} = {};", pats.join(", "), op(0)));
                results.extend(fields);
            }
            I::RecordLift { record, ty, .. } => {
                let path = self.types.render(&Type::Id(*ty), self.module);
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(operands.iter())
                    .map(|(f, o)| format!("{}: {o}", super::field_name(&f.name)))
                    .collect();
                self.bind(format!("{path} {{ {} }}", fields.join(", ")), results);
            }
            I::TupleLower { tuple, .. } => {
                let names: Vec<String> = tuple.types.iter().map(|_| self.fresh("f")).collect();
                self.push(format!("let {} = {};", Self::tuple_of(&names), op(0)));
                results.extend(names);
            }
            I::TupleLift { .. } => {
                let tuple = Self::tuple_of(operands);
                self.bind(tuple, results)
            }
            I::HandleLower { handle, .. } => {
                let c = self.resource_const(handle);
                match (handle, self.side) {
                    (Handle::Own(_), _) => self.bind(
                        format!("cx.handles().insert({c}, {}.rep())?", op(0)),
                        results,
                    ),
                    (Handle::Borrow(r), Side::Export)
                        if self.types.is_guest_resource(*r, self.module) =>
                    {
                        // The guest implements the resource: a borrow passes its rep.
                        results.push(format!("({}.rep() as i32)", op(0)))
                    }
                    (Handle::Borrow(_), Side::Export) => {
                        // Loans may be made inside nested blocks (lists, variants): they are
                        // collected in `lent` and ended after the call.
                        let h = self.fresh("lent");
                        self.push(format!(
                            "let {h} = cx.handles().lend({c}, {}.rep())?;\nlent.push(({c}, {h}));",
                            op(0)
                        ));
                        self.lends = true;
                        results.push(h);
                    }
                    (Handle::Borrow(_), Side::Import) => {
                        self.unsupported("returning a borrowed handle from a host function")
                    }
                }
            }
            I::HandleLift { handle, .. } => {
                let c = self.resource_const(handle);
                let t = self.resource_ty(handle);
                let how = match handle {
                    Handle::Own(_) => "take",
                    Handle::Borrow(_) => "borrow",
                };
                self.bind(
                    format!(
                        "embwit_host::Resource::<{t}>::new(cx.handles().{how}({c}, {})?)",
                        op(0)
                    ),
                    results,
                )
            }
            I::FlagsLower { .. } => results.push(format!("({}.bits() as i32)", op(0))),
            I::FlagsLift { ty, .. } => {
                let path = self.types.render(&Type::Id(*ty), self.module);
                results.push(format!("{path}::from_bits_truncate({} as u32)", op(0)))
            }
            I::VariantPayloadName => {
                let e = self.fresh("e");
                self.blocks.last_mut().unwrap().payload = Some(e.clone());
                results.push(e);
            }
            I::VariantLower {
                variant,
                ty,
                results: flat,
                ..
            } => {
                let path = self.types.render(&Type::Id(*ty), self.module);
                let blocks = self.take_blocks(variant.cases.len());
                let arms: Vec<String> = variant
                    .cases
                    .iter()
                    .zip(blocks)
                    .map(|(case, b)| {
                        let pat = match &case.ty {
                            Some(_) => format!(
                                "{path}::{}({})",
                                super::type_name(&case.name),
                                b.payload.as_deref().unwrap_or("_")
                            ),
                            None => format!("{path}::{}", super::type_name(&case.name)),
                        };
                        format!("{pat} => {{\n{}{}\n}}", b.code, Self::tuple_of(&b.results))
                    })
                    .collect();
                self.lower_match(op(0), arms, flat.len(), results);
            }
            I::EnumLower { .. } => results.push(format!("({} as i32)", op(0))),
            I::OptionLower { results: flat, .. } => {
                let mut blocks = self.take_blocks(2);
                let some = blocks.pop().unwrap();
                let none = blocks.pop().unwrap();
                let arms = vec![
                    format!(
                        "None => {{\n{}{}\n}}",
                        none.code,
                        Self::tuple_of(&none.results)
                    ),
                    format!(
                        "Some({}) => {{\n{}{}\n}}",
                        some.payload.as_deref().unwrap_or("_"),
                        some.code,
                        Self::tuple_of(&some.results)
                    ),
                ];
                self.lower_match(op(0), arms, flat.len(), results);
            }
            I::ResultLower {
                result,
                results: flat,
                ..
            } => {
                let mut blocks = self.take_blocks(2);
                let err = blocks.pop().unwrap();
                let ok = blocks.pop().unwrap();
                let pat = |b: &Finished, has: bool| {
                    if has {
                        b.payload.clone().unwrap_or_else(|| "_".into())
                    } else {
                        "_".into()
                    }
                };
                let arms = vec![
                    format!(
                        "Ok({}) => {{\n{}{}\n}}",
                        pat(&ok, result.ok.is_some()),
                        ok.code,
                        Self::tuple_of(&ok.results)
                    ),
                    format!(
                        "Err({}) => {{\n{}{}\n}}",
                        pat(&err, result.err.is_some()),
                        err.code,
                        Self::tuple_of(&err.results)
                    ),
                ];
                self.lower_match(op(0), arms, flat.len(), results);
            }
            I::VariantLift { variant, name, ty } => {
                let path = self.types.render(&Type::Id(*ty), self.module);
                let blocks = self.take_blocks(variant.cases.len());
                let n = variant.cases.len();
                let arms: Vec<(String, String)> = variant
                    .cases
                    .iter()
                    .zip(blocks)
                    .map(|(case, b)| {
                        let v = match &case.ty {
                            Some(_) => format!(
                                "{path}::{}({})",
                                super::type_name(&case.name),
                                b.results[0]
                            ),
                            None => format!("{path}::{}", super::type_name(&case.name)),
                        };
                        (b.code, v)
                    })
                    .collect();
                self.lift_match(op(0), n, name, arms, results);
            }
            I::EnumLift { enum_, name, ty } => {
                let path = self.types.render(&Type::Id(*ty), self.module);
                let arms = enum_
                    .cases
                    .iter()
                    .map(|c| {
                        (
                            String::new(),
                            format!("{path}::{}", super::type_name(&c.name)),
                        )
                    })
                    .collect();
                self.lift_match(op(0), enum_.cases.len(), name, arms, results);
            }
            I::OptionLift { .. } => {
                let mut blocks = self.take_blocks(2);
                let some = blocks.pop().unwrap();
                let none = blocks.pop().unwrap();
                let arms = vec![
                    (none.code, "None".to_string()),
                    (some.code, format!("Some({})", some.results[0])),
                ];
                self.lift_match(op(0), 2, "option", arms, results);
            }
            I::ResultLift { result, .. } => {
                let mut blocks = self.take_blocks(2);
                let err = blocks.pop().unwrap();
                let ok = blocks.pop().unwrap();
                let ok_v = if result.ok.is_some() {
                    ok.results[0].clone()
                } else {
                    "()".into()
                };
                let err_v = if result.err.is_some() {
                    err.results[0].clone()
                } else {
                    "()".into()
                };
                let arms = vec![
                    (ok.code, format!("Ok({ok_v})")),
                    (err.code, format!("Err({err_v})")),
                ];
                self.lift_match(op(0), 2, "result", arms, results);
            }
            I::CallWasm { sig, .. } => {
                let rets = self.fresh("rets");
                let args: Vec<String> = sig
                    .params
                    .iter()
                    .zip(operands.iter())
                    .map(|(t, o)| wasm_val(*t, o))
                    .collect();
                let names = self
                    .export_names
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.push(format!(
                    "let mut {rets} = [embwit_host::Val::I32(0); {}];",
                    sig.results.len()
                ));
                if self.lends {
                    // Loans end even when the call traps, so no stale loan outlives the call.
                    let done = self.fresh("called");
                    self.push(format!(
                        "let {done} = cx.call(&[{names}], &[{}], &mut {rets});",
                        args.join(", ")
                    ));
                    self.push(format!(
                        "let ended = embwit_host::resource::end_lends(cx.handles(), lent);\n{done}?;\nended?;"
                    ));
                } else {
                    self.push(format!(
                        "cx.call(&[{names}], &[{}], &mut {rets})?;",
                        args.join(", ")
                    ));
                }
                for (i, t) in sig.results.iter().enumerate() {
                    let r = self.fresh("r");
                    self.push(format!("let {r} = {rets}[{i}].{}()?;", wasm_get(*t)));
                    if let Some((size, align)) = self.ret_area {
                        self.push(format!(
                            "embwit_host::abi::check_area(cx, {r}, {size}, {align}, \"the return area of `{}`\")?;",
                            self.func_name
                        ));
                    }
                    results.push(r);
                }
                self.post_rets = Some(rets);
            }
            I::CallInterface { func, .. } => {
                let args = operands.join(", ");
                let call = format!(
                    "{{\nlet host = get(cx.data());\n{}(host{}{args})\n}}",
                    self.callee,
                    if operands.is_empty() { "" } else { ", " }
                );
                if func.result.is_some() {
                    self.bind(call, results);
                } else {
                    self.push(format!("{call};"));
                }
            }
            I::Return { amt, .. } => match self.side {
                Side::Import => {
                    let vals: Vec<String> = self
                        .result_types
                        .iter()
                        .zip(operands.iter())
                        .map(|(t, o)| wasm_val(*t, o))
                        .collect();
                    self.push(format!(
                        "embwit_host::abi::set_results(rets, &[{}])?;",
                        vals.join(", ")
                    ));
                    self.push("Ok(())");
                }
                Side::Export => {
                    if let Some(rets) = self.post_rets.take()
                        && !self.post_names.is_empty()
                    {
                        let names = self
                            .post_names
                            .iter()
                            .map(|n| format!("{n:?}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        self.push(format!(
                            "embwit_host::abi::post_return(cx, &[{names}], &{rets})?;"
                        ));
                    }
                    if *amt == 0 {
                        self.push("Ok(())");
                    } else {
                        self.push(format!("Ok({})", op(0)));
                    }
                }
            },
            I::Malloc { size, align, .. } => self.bind(
                format!(
                    "embwit_host::abi::alloc(cx, {}, {})?",
                    size.size_wasm32(),
                    align.align_wasm32()
                ),
                results,
            ),
            I::Flush { .. } => results.extend(operands.iter().cloned()),
            other => {
                self.unsupported(&format!("instruction {other:?}"));
                for _ in 0..other.results_len() {
                    results.push("unreachable!()".into());
                }
            }
        }
    }

    fn return_pointer(&mut self, _size: ArchitectureSize, _align: Alignment) -> String {
        self.unsupported("a return area on the host side");
        "0i32".into()
    }

    fn push_block(&mut self) {
        self.blocks.push(Block::default());
    }

    fn finish_block(&mut self, operands: &mut Vec<String>) {
        let b = self.blocks.pop().expect("push_block before finish_block");
        self.finished.push(Finished {
            code: b.code,
            results: std::mem::take(operands),
            elem: b.elem,
            base: b.base,
            payload: b.payload,
        });
    }

    fn sizes(&self) -> &SizeAlign {
        self.types.sizes
    }

    fn is_list_canonical(&self, resolve: &Resolve, element: &Type) -> bool {
        super::is_number(resolve, element)
    }
}

impl FunctionBindgen<'_> {
    fn lower_match(
        &mut self,
        scrutinee: String,
        arms: Vec<String>,
        n: usize,
        results: &mut Vec<String>,
    ) {
        let names: Vec<String> = (0..n).map(|_| self.fresh("v")).collect();
        let body = format!("match {scrutinee} {{\n{}\n}}", arms.join(",\n"));
        if n == 0 {
            self.push(format!("{body};"));
        } else {
            self.push(format!("let {} = {body};", Self::tuple_of(&names)));
        }
        results.extend(names);
    }

    /// `match discriminant(...)? { 0 => .., 1 => .., _ => last }`: the check makes the final
    /// wildcard exactly the last case, so no arm can panic.
    fn lift_match(
        &mut self,
        disc: String,
        n: usize,
        name: &str,
        arms: Vec<(String, String)>,
        results: &mut Vec<String>,
    ) {
        let mut out = String::new();
        let last = arms.len() - 1;
        for (i, (code, value)) in arms.into_iter().enumerate() {
            let pat = if i == last {
                "_".to_string()
            } else {
                i.to_string()
            };
            let _ = writeln!(out, "{pat} => {{\n{code}{value}\n}}");
        }
        self.bind(
            format!("match embwit_host::abi::discriminant({disc}, {n}, {name:?})? {{\n{out}}}"),
            results,
        );
    }
}
