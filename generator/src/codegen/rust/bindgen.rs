//! Rust code for one function's lifting and lowering, driven by `wit_bindgen_core::abi::call`.
//!
//! Operands are Rust expressions (usually temporaries). Offsets and sizes are wasm32 values from
//! `SizeAlign`: the generated glue is meant for wasm32 targets only.

use std::fmt::Write as _;

use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction, WasmType};
use wit_parser::{Alignment, ArchitectureSize, FunctionKind, Handle, Resolve, SizeAlign, Type};

use super::Gen;
use super::types::{TyCx, is_canonical_elem, type_ident};

/// Which side of the call the glue is on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The guest calls a host import: lower arguments, lift results.
    Import,
    /// The host calls a guest export: lift arguments, lower results.
    Export,
}

pub struct FunctionBindgen<'a, 'g> {
    pub gen_: &'a Gen<'g>,
    pub sizes: &'a SizeAlign,
    pub side: Side,
    /// Module the function is written in.
    pub module: &'a [String],
    /// Names of the function's parameters (`GetArg`).
    pub params: Vec<String>,
    /// Code of the current block.
    pub src: String,
    /// Locals declared at the top of the function (borrowed handles lifted in blocks).
    pub decls: String,
    /// Path of the call target (`wit_import` or the trait call) and the function's kind.
    pub call: CallTarget,
    tmp: usize,
    block_stack: Vec<String>,
    blocks: Vec<(String, Vec<String>)>,
    payloads: Vec<String>,
    /// Whether lists were lowered into temporary buffers that must be freed after the call.
    pub needs_cleanup: bool,
}

/// What `CallWasm`/`CallInterface` call.
pub enum CallTarget {
    /// An import: the local `wit_import` declaration.
    Import,
    /// An export: `T`'s trait method.
    Export {
        kind: FunctionKind,
        /// Rust name of the function (trait method name).
        name: String,
        /// For resource functions: the associated type name in `Guest` and its trait.
        resource: Option<(String, String, String)>,
    },
}

impl<'a, 'g> FunctionBindgen<'a, 'g> {
    pub fn new(
        gen_: &'a Gen<'g>,
        sizes: &'a SizeAlign,
        side: Side,
        module: &'a [String],
        params: Vec<String>,
        call: CallTarget,
    ) -> Self {
        FunctionBindgen {
            gen_,
            sizes,
            side,
            module,
            params,
            src: String::new(),
            decls: String::new(),
            call,
            tmp: 0,
            block_stack: Vec::new(),
            blocks: Vec::new(),
            payloads: Vec::new(),
            needs_cleanup: false,
        }
    }

    fn tmp(&mut self) -> usize {
        self.tmp += 1;
        self.tmp
    }

    fn let_(&mut self, prefix: &str, expr: String) -> String {
        let name = format!("{prefix}{}", self.tmp());
        let _ = writeln!(self.src, "let {name} = {expr};");
        name
    }

    fn ty(&self, t: &Type) -> String {
        self.gen_.ty(
            t,
            TyCx {
                module: self.module,
                lt: "'_",
                borrowed: false,
            },
        )
    }

    fn path(&self, id: wit_parser::TypeId) -> String {
        self.gen_.type_path(id, self.module)
    }

    fn pop_block(&mut self) -> (String, Vec<String>) {
        self.blocks
            .pop()
            .expect("abi::call pushes a block before using it")
    }

    /// A block as an expression producing its results (none, one or a tuple).
    fn block_expr(code: &str, results: &[String]) -> String {
        match results {
            [] => format!("{{ {code} }}"),
            [one] => format!("{{ {code} {one} }}"),
            many => format!("{{ {code} ({}) }}", many.join(", ")),
        }
    }

    /// Binds the results of a `match` lowering to temporaries.
    fn bind_results(&mut self, n: usize, expr: String, results: &mut Vec<String>) {
        match n {
            0 => {
                let _ = writeln!(self.src, "{expr}");
            }
            1 => {
                let r = self.let_("v", expr);
                results.push(r);
            }
            _ => {
                let names: Vec<String> = (0..n).map(|_| format!("v{}", self.tmp())).collect();
                let _ = writeln!(self.src, "let ({}) = {expr};", names.join(", "));
                results.extend(names);
            }
        }
    }

    /// Import arguments are lowered through references so nothing is dropped before the call;
    /// export results are moved (their memory passes to the host).
    fn lower_operand(&self, value: String) -> String {
        match self.side {
            Side::Import => format!("&{value}"),
            Side::Export => value,
        }
    }

    fn load(&mut self, ptr: &str, offset: ArchitectureSize, ty: &str) -> String {
        let o = offset.size_wasm32();
        self.let_("l", format!("*{ptr}.add({o}).cast::<{ty}>()"))
    }

    fn store(&mut self, ptr: &str, offset: ArchitectureSize, ty: &str, val: String) {
        let o = offset.size_wasm32();
        let _ = writeln!(self.src, "*{ptr}.add({o}).cast::<{ty}>() = {val};");
    }
}

fn wasm_ty(t: &WasmType) -> &'static str {
    match t {
        WasmType::I32 => "i32",
        WasmType::I64 | WasmType::PointerOrI64 => "i64",
        WasmType::F32 => "f32",
        WasmType::F64 => "f64",
        WasmType::Pointer => "*mut u8",
        WasmType::Length => "usize",
    }
}

/// The Rust type of a core wasm parameter or result.
pub fn core_ty(t: &WasmType) -> &'static str {
    wasm_ty(t)
}

fn bitcast(cast: &Bitcast, x: &str) -> String {
    match cast {
        Bitcast::F32ToI32 => format!("({x}).to_bits() as i32"),
        Bitcast::F64ToI64 => format!("({x}).to_bits() as i64"),
        Bitcast::I32ToI64 => format!("i64::from({x})"),
        Bitcast::F32ToI64 => format!("i64::from(({x}).to_bits())"),
        Bitcast::I32ToF32 => format!("f32::from_bits({x} as u32)"),
        Bitcast::I64ToF64 => format!("f64::from_bits({x} as u64)"),
        Bitcast::I64ToI32 => format!("{x} as i32"),
        Bitcast::I64ToF32 => format!("f32::from_bits({x} as u32)"),
        Bitcast::P64ToI64 | Bitcast::I64ToP64 => x.to_string(),
        Bitcast::P64ToP | Bitcast::I32ToP | Bitcast::LToP => format!("{x} as usize as *mut u8"),
        Bitcast::PToP64 | Bitcast::LToI64 => format!("{x} as usize as i64"),
        Bitcast::PToI32 | Bitcast::LToI32 => format!("{x} as usize as i32"),
        Bitcast::PToL => format!("{x} as usize"),
        Bitcast::I32ToL => format!("{x} as u32 as usize"),
        Bitcast::I64ToL => format!("{x} as usize"),
        Bitcast::Sequence(seq) => {
            let first = bitcast(&seq[0], x);
            bitcast(&seq[1], &format!("({first})"))
        }
        Bitcast::None => x.to_string(),
    }
}

fn zero(t: &WasmType) -> &'static str {
    match t {
        WasmType::I32 => "0i32",
        WasmType::I64 | WasmType::PointerOrI64 => "0i64",
        WasmType::F32 => "0.0f32",
        WasmType::F64 => "0.0f64",
        WasmType::Pointer => "::core::ptr::null_mut()",
        WasmType::Length => "0usize",
    }
}

impl Bindgen for FunctionBindgen<'_, '_> {
    type Operand = String;

    fn emit(
        &mut self,
        _resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<String>,
        results: &mut Vec<String>,
    ) {
        let op = |i: usize| operands[i].clone();
        match inst {
            Instruction::GetArg { nth } => results.push(self.params[*nth].clone()),
            Instruction::I32Const { val } => results.push(format!("{val}i32")),
            Instruction::ConstZero { tys } => results.extend(tys.iter().map(|t| zero(t).into())),
            Instruction::Bitcasts { casts } => {
                for (cast, x) in casts.iter().zip(operands.iter()) {
                    results.push(bitcast(cast, x));
                }
            }

            Instruction::I32Load { offset } => {
                let r = self.load(&op(0), *offset, "i32");
                results.push(r);
            }
            Instruction::I32Load8U { offset } => {
                let r = self.load(&op(0), *offset, "u8");
                results.push(format!("i32::from({r})"));
            }
            Instruction::I32Load8S { offset } => {
                let r = self.load(&op(0), *offset, "i8");
                results.push(format!("i32::from({r})"));
            }
            Instruction::I32Load16U { offset } => {
                let r = self.load(&op(0), *offset, "u16");
                results.push(format!("i32::from({r})"));
            }
            Instruction::I32Load16S { offset } => {
                let r = self.load(&op(0), *offset, "i16");
                results.push(format!("i32::from({r})"));
            }
            Instruction::I64Load { offset } => {
                let r = self.load(&op(0), *offset, "i64");
                results.push(r);
            }
            Instruction::F32Load { offset } => {
                let r = self.load(&op(0), *offset, "f32");
                results.push(r);
            }
            Instruction::F64Load { offset } => {
                let r = self.load(&op(0), *offset, "f64");
                results.push(r);
            }
            Instruction::PointerLoad { offset } => {
                let r = self.load(&op(0), *offset, "*mut u8");
                results.push(r);
            }
            Instruction::LengthLoad { offset } => {
                let r = self.load(&op(0), *offset, "usize");
                results.push(r);
            }
            Instruction::I32Store { offset } => self.store(&op(1), *offset, "i32", op(0)),
            Instruction::I32Store8 { offset } => {
                self.store(&op(1), *offset, "u8", format!("({}) as u8", op(0)))
            }
            Instruction::I32Store16 { offset } => {
                self.store(&op(1), *offset, "u16", format!("({}) as u16", op(0)))
            }
            Instruction::I64Store { offset } => self.store(&op(1), *offset, "i64", op(0)),
            Instruction::F32Store { offset } => self.store(&op(1), *offset, "f32", op(0)),
            Instruction::F64Store { offset } => self.store(&op(1), *offset, "f64", op(0)),
            Instruction::PointerStore { offset } => self.store(&op(1), *offset, "*mut u8", op(0)),
            Instruction::LengthStore { offset } => self.store(&op(1), *offset, "usize", op(0)),

            Instruction::I32FromChar
            | Instruction::I32FromU32
            | Instruction::I32FromS32
            | Instruction::I32FromU16
            | Instruction::I32FromS16
            | Instruction::I32FromU8
            | Instruction::I32FromS8
            | Instruction::I32FromBool => results.push(format!("_rt::as_i32({})", op(0))),
            Instruction::I64FromU64 | Instruction::I64FromS64 => {
                results.push(format!("_rt::as_i64({})", op(0)))
            }
            Instruction::CoreF32FromF32 => results.push(format!("_rt::as_f32({})", op(0))),
            Instruction::CoreF64FromF64 => results.push(format!("_rt::as_f64({})", op(0))),
            Instruction::S8FromI32 => results.push(format!("{} as i8", op(0))),
            Instruction::U8FromI32 => results.push(format!("{} as u8", op(0))),
            Instruction::S16FromI32 => results.push(format!("{} as i16", op(0))),
            Instruction::U16FromI32 => results.push(format!("{} as u16", op(0))),
            Instruction::S32FromI32 | Instruction::S64FromI64 => results.push(op(0)),
            Instruction::U32FromI32 => results.push(format!("{} as u32", op(0))),
            Instruction::U64FromI64 => results.push(format!("{} as u64", op(0))),
            Instruction::CharFromI32 => results.push(format!("_rt::char_lift({})", op(0))),
            Instruction::F32FromCoreF32 | Instruction::F64FromCoreF64 => results.push(op(0)),
            Instruction::BoolFromI32 => results.push(format!("_rt::bool_lift({})", op(0))),

            Instruction::ListCanonLower { realloc, .. } | Instruction::StringLower { realloc } => {
                let is_string = matches!(inst, Instruction::StringLower { .. });
                let n = self.tmp();
                let value = op(0);
                if realloc.is_some() {
                    let owned = if is_string {
                        format!("({value}).into_bytes().into_boxed_slice()")
                    } else {
                        format!("({value}).into_boxed_slice()")
                    };
                    let _ = writeln!(
                        self.src,
                        "let vec{n} = ::core::mem::ManuallyDrop::new({owned});\nlet ptr{n} = vec{n}.as_ptr().cast::<u8>().cast_mut();\nlet len{n} = vec{n}.len();"
                    );
                } else {
                    let _ = writeln!(
                        self.src,
                        "let vec{n} = &{value};\nlet ptr{n} = vec{n}.as_ptr().cast::<u8>().cast_mut();\nlet len{n} = vec{n}.len();"
                    );
                }
                results.push(format!("ptr{n}"));
                results.push(format!("len{n}"));
            }
            Instruction::ListLower { element, realloc } => {
                let (body, _) = self.pop_block();
                let n = self.tmp();
                let size = self.sizes.size(element).size_wasm32();
                let align = self.sizes.align(element).align_wasm32();
                let value = op(0);
                let iter = if realloc.is_some() {
                    "into_iter"
                } else {
                    "iter"
                };
                let _ = writeln!(
                    self.src,
                    "let vec{n} = {value};\nlet len{n} = vec{n}.len();\nlet result{n} = _rt::alloc_raw(len{n} * {size}, {align});\nfor (i, e) in vec{n}.{iter}().enumerate() {{\nlet base = result{n}.add(i * {size});\n{body}\n}}"
                );
                if realloc.is_none() {
                    self.needs_cleanup = true;
                    let _ = writeln!(
                        self.src,
                        "cleanup_list.push((result{n}, len{n} * {size}, {align}));"
                    );
                }
                results.push(format!("result{n}"));
                results.push(format!("len{n}"));
            }
            Instruction::ListCanonLift { element, .. } => {
                let t = self.ty(element);
                let r = self.let_(
                    "list",
                    format!("_rt::list_lift::<{t}>({}, {})", op(0), op(1)),
                );
                results.push(r);
            }
            Instruction::StringLift => {
                let r = self.let_("string", format!("_rt::string_lift({}, {})", op(0), op(1)));
                results.push(r);
            }
            Instruction::ListLift { element, .. } => {
                let (body, block_results) = self.pop_block();
                let n = self.tmp();
                let size = self.sizes.size(element).size_wasm32();
                let align = self.sizes.align(element).align_wasm32();
                let t = self.ty(element);
                let elem = block_results.first().cloned().unwrap_or_default();
                let _ = writeln!(
                    self.src,
                    "let base{n} = {};\nlet len{n} = {};\nlet mut result{n} = _rt::Vec::<{t}>::with_capacity(len{n});\nfor i in 0..len{n} {{\nlet base = base{n}.add(i * {size});\n{body}\nresult{n}.push({elem});\n}}\n_rt::cabi_dealloc(base{n}, len{n} * {size}, {align});",
                    op(0),
                    op(1)
                );
                results.push(format!("result{n}"));
            }
            Instruction::IterElem { .. } => results.push("e".into()),
            Instruction::IterBasePointer => results.push("base".into()),

            Instruction::RecordLower { record, ty, .. } => {
                let n = self.tmp();
                let path = self.path(*ty);
                let mut pat = String::new();
                for (i, f) in record.fields.iter().enumerate() {
                    let _ = write!(pat, "{}: f{n}_{i}, ", super::types::ident(&f.name));
                    results.push(format!("f{n}_{i}"));
                }
                let value = self.lower_operand(op(0));
                let _ = writeln!(self.src, "let {path} {{ {pat} }} = {value};");
            }
            Instruction::RecordLift { record, ty, .. } => {
                let path = self.path(*ty);
                let mut fields = String::new();
                for (f, v) in record.fields.iter().zip(operands.iter()) {
                    let _ = write!(fields, "{}: {v}, ", super::types::ident(&f.name));
                }
                let r = self.let_("rec", format!("{path} {{ {fields} }}"));
                results.push(r);
            }
            Instruction::TupleLower { tuple, .. } => {
                let n = self.tmp();
                let names: Vec<String> = (0..tuple.types.len())
                    .map(|i| format!("t{n}_{i}"))
                    .collect();
                let value = self.lower_operand(op(0));
                let _ = writeln!(self.src, "let ({},) = {value};", names.join(", "));
                results.extend(names);
            }
            Instruction::TupleLift { .. } => {
                let r = self.let_("tuple", format!("({},)", operands.join(", ")));
                results.push(r);
            }
            Instruction::FlagsLower { .. } => {
                results.push(format!("({}).bits() as i32", op(0)));
            }
            Instruction::FlagsLift { flags, ty, .. } => {
                let path = self.path(*ty);
                let repr = match flags.repr() {
                    wit_parser::FlagsRepr::U8 => "u8",
                    wit_parser::FlagsRepr::U16 => "u16",
                    wit_parser::FlagsRepr::U32(_) => "u32",
                };
                results.push(format!("{path}::from_bits_truncate({} as {repr})", op(0)));
            }
            Instruction::EnumLower { ty, .. } => {
                let path = self.path(*ty);
                results.push(format!("{path}::clone(&{}) as i32", op(0)));
            }
            Instruction::EnumLift { ty, .. } => {
                let path = self.path(*ty);
                results.push(format!("{path}::_lift({} as u32)", op(0)));
            }
            Instruction::HandleLower { handle, .. } => match handle {
                Handle::Own(_) => results.push(format!("({}).take_handle() as i32", op(0))),
                Handle::Borrow(_) => results.push(format!("({}).handle() as i32", op(0))),
            },
            Instruction::HandleLift { handle, .. } => match handle {
                Handle::Own(r) => {
                    let path = self.path(self.gen_.dealias(*r));
                    results.push(format!("{path}::from_handle({} as u32)", op(0)));
                }
                Handle::Borrow(r) => {
                    let r = self.gen_.dealias(*r);
                    let path = self.path(r);
                    if self.gen_.is_exported_resource(r) {
                        results.push(format!("{path}Borrow::lift({} as u32 as usize)", op(0)));
                    } else {
                        // A `&R` needs a place holding the handle that outlives the call. The
                        // canonical ABI lends the handle for the call only: dropping the place
                        // when the export returns gives it back (`[resource-drop]` of a borrow).
                        let n = self.tmp();
                        if self.block_stack.is_empty() {
                            let _ = writeln!(self.decls, "let handle{n};");
                            let _ = writeln!(
                                self.src,
                                "handle{n} = {path}::from_handle({} as u32);",
                                op(0)
                            );
                            results.push(format!("&handle{n}"));
                        } else {
                            // Inside a list or variant arm: one boxed slot per borrow, kept in a
                            // function-level vector until the call has returned.
                            let _ = writeln!(
                                self.decls,
                                "let mut handles{n} = _rt::BorrowSlots::<{path}>::new();"
                            );
                            let _ = writeln!(
                                self.src,
                                "let borrow{n} = handles{n}.hold({path}::from_handle({} as u32));",
                                op(0)
                            );
                            results.push(format!("&*borrow{n}"));
                        }
                    }
                }
            },

            Instruction::VariantPayloadName => {
                let name = format!("e{}", self.tmp());
                self.payloads.push(name.clone());
                results.push(name);
            }
            Instruction::VariantLower {
                variant,
                ty,
                results: types,
                ..
            } => {
                let blocks = self
                    .blocks
                    .split_off(self.blocks.len() - variant.cases.len());
                let payloads = self
                    .payloads
                    .split_off(self.payloads.len() - variant.cases.len());
                let path = self.path(*ty);
                let mut arms = String::new();
                for ((case, (code, res)), payload) in variant.cases.iter().zip(blocks).zip(payloads)
                {
                    let pat = if case.ty.is_some() {
                        format!("{path}::{}({payload})", type_ident(&case.name))
                    } else {
                        format!("{path}::{}", type_ident(&case.name))
                    };
                    let _ = writeln!(arms, "{pat} => {},", Self::block_expr(&code, &res));
                }
                let value = self.lower_operand(op(0));
                self.bind_results(types.len(), format!("match {value} {{\n{arms}}};"), results);
            }
            Instruction::OptionLower { results: types, .. } => {
                let (some, some_res) = self.pop_block();
                let (none, none_res) = self.pop_block();
                let some_name = self.payloads.pop().unwrap_or_default();
                self.payloads.pop();
                let expr = format!(
                    "match {} {{\nSome({some_name}) => {},\nNone => {},\n}};",
                    self.lower_operand(op(0)),
                    Self::block_expr(&some, &some_res),
                    Self::block_expr(&none, &none_res)
                );
                self.bind_results(types.len(), expr, results);
            }
            Instruction::ResultLower {
                result,
                results: types,
                ..
            } => {
                let (err, err_res) = self.pop_block();
                let (ok, ok_res) = self.pop_block();
                let err_name = self.payloads.pop().unwrap_or_default();
                let ok_name = self.payloads.pop().unwrap_or_default();
                let ok_pat = if result.ok.is_some() {
                    ok_name
                } else {
                    "_".into()
                };
                let err_pat = if result.err.is_some() {
                    err_name
                } else {
                    "_".into()
                };
                let expr = format!(
                    "match {} {{\nOk({ok_pat}) => {},\nErr({err_pat}) => {},\n}};",
                    self.lower_operand(op(0)),
                    Self::block_expr(&ok, &ok_res),
                    Self::block_expr(&err, &err_res)
                );
                self.bind_results(types.len(), expr, results);
            }
            Instruction::VariantLift { variant, ty, .. } => {
                let blocks = self
                    .blocks
                    .split_off(self.blocks.len() - variant.cases.len());
                let path = self.path(*ty);
                let mut arms = String::new();
                for (i, (case, (code, res))) in variant.cases.iter().zip(blocks).enumerate() {
                    let value = match res.first() {
                        Some(v) if case.ty.is_some() => {
                            format!("{path}::{}({v})", type_ident(&case.name))
                        }
                        _ => format!("{path}::{}", type_ident(&case.name)),
                    };
                    let _ = writeln!(arms, "{i} => {{ {code} {value} }},");
                }
                let r = self.let_(
                    "variant",
                    format!(
                        "match {} {{\n{arms}_ => _rt::invalid(\"variant discriminant out of range\"),\n}}",
                        op(0)
                    ),
                );
                results.push(r);
            }
            Instruction::OptionLift { .. } => {
                let (some, some_res) = self.pop_block();
                let (none, _) = self.pop_block();
                let value = some_res.first().cloned().unwrap_or_else(|| "()".into());
                let r = self.let_(
                    "option",
                    format!(
                        "match {} {{\n0 => {{ {none} None }},\n1 => {{ {some} Some({value}) }},\n_ => _rt::invalid(\"option discriminant out of range\"),\n}}",
                        op(0)
                    ),
                );
                results.push(r);
            }
            Instruction::ResultLift { .. } => {
                let (err, err_res) = self.pop_block();
                let (ok, ok_res) = self.pop_block();
                let okv = ok_res.first().cloned().unwrap_or_else(|| "()".into());
                let errv = err_res.first().cloned().unwrap_or_else(|| "()".into());
                let r = self.let_(
                    "result",
                    format!(
                        "match {} {{\n0 => {{ {ok} Ok({okv}) }},\n1 => {{ {err} Err({errv}) }},\n_ => _rt::invalid(\"result discriminant out of range\"),\n}}",
                        op(0)
                    ),
                );
                results.push(r);
            }

            Instruction::CallWasm { sig, .. } => {
                let call = format!("wit_import({})", operands.join(", "));
                match sig.results.len() {
                    0 => {
                        let _ = writeln!(self.src, "{call};");
                    }
                    _ => {
                        let r = self.let_("ret", call);
                        results.push(r);
                    }
                }
                if self.needs_cleanup {
                    let _ = writeln!(
                        self.src,
                        "for (ptr, size, align) in cleanup_list {{ _rt::cabi_dealloc(ptr, size, align); }}"
                    );
                }
            }
            Instruction::CallInterface { func, .. } => {
                let CallTarget::Export {
                    kind,
                    name,
                    resource,
                } = &self.call
                else {
                    unreachable!("CallInterface is only emitted for exports")
                };
                let mut args = operands.clone();
                let call = match (kind, resource) {
                    (FunctionKind::Method(_), Some((assoc, tr, _))) => {
                        if let Some(first) = args.first_mut() {
                            *first = format!("{first}.get()");
                        }
                        format!("<T::{assoc} as {tr}>::{name}({})", args.join(", "))
                    }
                    (FunctionKind::Static(_), Some((assoc, tr, _))) => {
                        format!("<T::{assoc} as {tr}>::{name}({})", args.join(", "))
                    }
                    (FunctionKind::Constructor(_), Some((assoc, tr, path))) => format!(
                        "{path}::new(<T::{assoc} as {tr}>::new({}))",
                        args.join(", ")
                    ),
                    _ => format!("T::{name}({})", args.join(", ")),
                };
                if func.result.is_some() {
                    let r = self.let_("result", call);
                    results.push(r);
                } else {
                    let _ = writeln!(self.src, "{call};");
                }
            }
            Instruction::Return { amt, .. } => match amt {
                0 => {}
                1 => {
                    let _ = writeln!(self.src, "{}", op(0));
                }
                _ => {
                    let _ = writeln!(self.src, "({})", operands.join(", "));
                }
            },
            Instruction::GuestDeallocate { size, align } => {
                let _ = writeln!(
                    self.src,
                    "_rt::cabi_dealloc({}, {}, {});",
                    op(0),
                    size.size_wasm32(),
                    align.align_wasm32()
                );
            }
            Instruction::GuestDeallocateString => {
                let _ = writeln!(self.src, "_rt::cabi_dealloc({}, {}, 1);", op(0), op(1));
            }
            Instruction::GuestDeallocateList { element } => {
                let (body, _) = self.pop_block();
                let n = self.tmp();
                let size = self.sizes.size(element).size_wasm32();
                let align = self.sizes.align(element).align_wasm32();
                let _ = writeln!(
                    self.src,
                    "let base{n} = {};\nlet len{n} = {};\nfor i in 0..len{n} {{\nlet base = base{n}.add(i * {size});\n{body}\n}}\n_rt::cabi_dealloc(base{n}, len{n} * {size}, {align});",
                    op(0),
                    op(1)
                );
            }
            Instruction::GuestDeallocateVariant { blocks } => {
                let blocks = self.blocks.split_off(self.blocks.len() - blocks);
                let mut arms = String::new();
                for (i, (code, _)) in blocks.into_iter().enumerate() {
                    let _ = writeln!(arms, "{i} => {{ {code} }}");
                }
                let _ = writeln!(self.src, "match {} {{\n{arms}_ => {{}}\n}}", op(0));
            }
            Instruction::Flush { amt } => {
                for i in 0..*amt {
                    // Temporaries are already evaluated; only expressions need binding.
                    let value = op(i);
                    if value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        results.push(value);
                    } else {
                        let r = self.let_("flush", value);
                        results.push(r);
                    }
                }
            }
            Instruction::Malloc { .. } => unreachable!("Malloc is only used by hosts"),
            other => unreachable!(
                "instruction {other:?} is rejected by names::check_supported before generation"
            ),
        }
    }

    fn return_pointer(&mut self, size: ArchitectureSize, align: Alignment) -> String {
        let n = self.tmp();
        let size = size.size_wasm32();
        let align = align.align_wasm32();
        match self.side {
            Side::Import => {
                let _ = writeln!(
                    self.src,
                    "#[repr(align({align}))]\nstruct RetArea{n}([::core::mem::MaybeUninit<u8>; {size}]);\nlet mut ret_area{n} = RetArea{n}([::core::mem::MaybeUninit::uninit(); {size}]);\nlet ptr{n} = ret_area{n}.0.as_mut_ptr().cast::<u8>();"
                );
            }
            Side::Export => {
                let _ = writeln!(
                    self.src,
                    "#[repr(align({align}))]\nstruct RetArea{n}([::core::mem::MaybeUninit<u8>; {size}]);\nstatic mut RET_AREA{n}: RetArea{n} = RetArea{n}([::core::mem::MaybeUninit::uninit(); {size}]);\nlet ptr{n} = (&raw mut RET_AREA{n}).cast::<u8>();"
                );
            }
        }
        format!("ptr{n}")
    }

    fn push_block(&mut self) {
        let prev = std::mem::take(&mut self.src);
        self.block_stack.push(prev);
    }

    fn finish_block(&mut self, operands: &mut Vec<String>) {
        let code = std::mem::replace(&mut self.src, self.block_stack.pop().unwrap_or_default());
        self.blocks.push((code, std::mem::take(operands)));
    }

    fn sizes(&self) -> &SizeAlign {
        self.sizes
    }

    fn is_list_canonical(&self, _resolve: &Resolve, element: &Type) -> bool {
        is_canonical_elem(element)
    }
}
