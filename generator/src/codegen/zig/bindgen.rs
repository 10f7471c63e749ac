//! The Zig implementation of `wit_bindgen_core::abi::Bindgen`. Core pointers and lengths are
//! `usize` addresses; memory is read and written through `*align(1)` pointers at ABI offsets.

use std::fmt::Write;

use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction};
use wit_parser::abi::WasmType;
use wit_parser::{
    Alignment, ArchitectureSize, FlagsRepr, Handle, Resolve, SizeAlign, Type, TypeDefKind,
};

use super::types::{ZigTypes, field};
use crate::codegen::bindgen_blocks::{Block, Blocks};

/// Where return areas live (see the C backend): a local array in import wrappers, one static
/// buffer for export wrappers.
pub enum RetArea {
    Stack,
    Static { size: usize, align: usize },
}

pub struct FunctionBindgen<'a, 'b> {
    pub types: &'b ZigTypes<'a>,
    pub sizes: &'b SizeAlign,
    pub params: Vec<String>,
    pub callee: String,
    pub ret_area: RetArea,
    pub src: String,
    cleanup: Vec<String>,
    hoisted: String,
    blocks: Blocks,
    payload: Option<String>,
    tmp: usize,
}

/// The Zig type of a core wasm value.
pub fn wasm_zig(ty: WasmType) -> &'static str {
    match ty {
        WasmType::I32 => "i32",
        WasmType::I64 | WasmType::PointerOrI64 => "i64",
        WasmType::F32 => "f32",
        WasmType::F64 => "f64",
        WasmType::Pointer | WasmType::Length => "usize",
    }
}

impl<'a, 'b> FunctionBindgen<'a, 'b> {
    pub fn new(
        types: &'b ZigTypes<'a>,
        sizes: &'b SizeAlign,
        params: Vec<String>,
        callee: String,
        ret_area: RetArea,
    ) -> Self {
        FunctionBindgen {
            types,
            sizes,
            params,
            callee,
            ret_area,
            src: String::new(),
            cleanup: Vec::new(),
            hoisted: String::new(),
            blocks: Blocks::default(),
            payload: None,
            tmp: 0,
        }
    }

    /// The function body: hoisted declarations, then the statements.
    pub fn body(&self) -> String {
        format!("{}{}", self.hoisted, self.src)
    }

    fn tmp(&mut self, base: &str) -> String {
        self.tmp += 1;
        format!("{base}{}_", self.tmp)
    }

    fn bind(&mut self, ty: Option<&str>, expr: &str) -> String {
        let name = self.tmp("t");
        match ty {
            Some(ty) => {
                let _ = writeln!(self.src, "const {name}: {ty} = {expr};");
            }
            None => {
                let _ = writeln!(self.src, "const {name} = {expr};");
            }
        }
        name
    }

    fn bitcast(cast: &Bitcast, op: &str) -> String {
        match cast {
            Bitcast::None
            | Bitcast::P64ToI64
            | Bitcast::I64ToP64
            | Bitcast::PToL
            | Bitcast::LToP => op.to_string(),
            Bitcast::F32ToI32 => format!("@as(i32, @bitCast({op}))"),
            Bitcast::I32ToF32 => format!("@as(f32, @bitCast({op}))"),
            Bitcast::F64ToI64 => format!("@as(i64, @bitCast({op}))"),
            Bitcast::I64ToF64 => format!("@as(f64, @bitCast({op}))"),
            Bitcast::F32ToI64 => format!("@as(i64, @as(i32, @bitCast({op})))"),
            Bitcast::I64ToF32 => format!("@as(f32, @bitCast(@as(i32, @truncate({op}))))"),
            Bitcast::I32ToI64 => format!("@as(i64, {op})"),
            Bitcast::I64ToI32 => format!("@as(i32, @truncate({op}))"),
            Bitcast::I32ToP | Bitcast::I32ToL => format!("@as(usize, @as(u32, @bitCast({op})))"),
            Bitcast::PToI32 | Bitcast::LToI32 => {
                format!("@as(i32, @bitCast(@as(u32, @truncate({op}))))")
            }
            Bitcast::P64ToP | Bitcast::I64ToL => {
                format!("@as(usize, @truncate(@as(u64, @bitCast({op}))))")
            }
            Bitcast::PToP64 | Bitcast::LToI64 => format!("@as(i64, @intCast({op}))"),
            Bitcast::Sequence(pair) => {
                let first = Self::bitcast(&pair[0], op);
                Self::bitcast(&pair[1], &first)
            }
        }
    }

    fn load(&self, ty: &str, ptr: &str, offset: ArchitectureSize) -> String {
        format!(
            "@as(*align(1) const {ty}, @ptrFromInt({ptr} + {})).*",
            offset.size_wasm32()
        )
    }

    fn store(&mut self, ty: &str, val: &str, ptr: &str, offset: ArchitectureSize) {
        let _ = writeln!(
            self.src,
            "@as(*align(1) {ty}, @ptrFromInt({ptr} + {})).* = {val};",
            offset.size_wasm32()
        );
    }

    fn elem_info(&self, element: &Type) -> (usize, usize) {
        (
            self.sizes.size(element).size_wasm32(),
            self.sizes.align(element).align_wasm32(),
        )
    }

    /// `switch (discr) { i => blk: { ...; break :blk value_i; }, else => trap }` as an expression
    /// bound to a constant of type `result_ty`.
    fn lift_cases(&mut self, discr: &str, result_ty: &str, arms: Vec<(Block, String)>) -> String {
        let name = self.tmp("v");
        let _ = writeln!(self.src, "const {name}: {result_ty} = switch ({discr}) {{");
        for (i, (block, value)) in arms.into_iter().enumerate() {
            let label = self.tmp("blk");
            let _ = writeln!(
                self.src,
                "{i} => {label}: {{\n{}break :{label} {value};\n}},",
                block.src
            );
        }
        let _ = writeln!(
            self.src,
            "else => @panic(\"embwit: invalid discriminant\"),\n}};"
        );
        name
    }

    /// True if `ty` holds a borrowed handle to a host (imported) resource.
    fn has_host_borrow(&self, ty: &Type) -> bool {
        let exported = |r| self.types.is_exported_resource(r);
        crate::codegen::ownership::has_host_borrow(self.types.resolve, ty, &exported)
    }

    /// Gives back every borrowed host handle in `expr` (of type `ty`).
    fn drop_host_borrows(&mut self, ty: &Type, expr: &str) {
        let resolve = self.types.resolve;
        let Type::Id(id) = ty else { return };
        if !self.has_host_borrow(ty) {
            return;
        }
        match &resolve.types[*id].kind {
            TypeDefKind::Handle(Handle::Borrow(_)) => {
                let _ = writeln!(self.src, "{expr}.deinit();");
            }
            TypeDefKind::Record(r) => {
                for f in &r.fields {
                    self.drop_host_borrows(&f.ty, &format!("{expr}.{}", field(&f.name)));
                }
            }
            TypeDefKind::Tuple(t) => {
                for (i, t) in t.types.iter().enumerate() {
                    self.drop_host_borrows(t, &format!("{expr}[{i}]"));
                }
            }
            TypeDefKind::Option(t) => {
                let v = self.tmp("b");
                let _ = writeln!(self.src, "if ({expr}) |{v}| {{");
                self.drop_host_borrows(t, &v);
                let _ = writeln!(self.src, "}}");
            }
            TypeDefKind::List(t) => {
                let v = self.tmp("b");
                let _ = writeln!(self.src, "for ({expr}) |{v}| {{");
                self.drop_host_borrows(t, &v);
                let _ = writeln!(self.src, "}}");
            }
            TypeDefKind::Type(t) => self.drop_host_borrows(t, expr),
            _ => {}
        }
    }

    fn result_vars(&mut self, tys: &[WasmType]) -> Vec<String> {
        tys.iter()
            .map(|ty| {
                let n = self.tmp("r");
                let _ = writeln!(self.src, "var {n}: {} = 0;", wasm_zig(*ty));
                n
            })
            .collect()
    }

    fn assign(&mut self, names: &[String], block: &Block) {
        for (n, r) in names.iter().zip(&block.results) {
            let _ = writeln!(self.src, "{n} = {r};");
        }
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
            Instruction::I32Const { val } => results.push(format!("@as(i32, {val})")),
            Instruction::ConstZero { tys } => {
                results.extend(tys.iter().map(|ty| format!("@as({}, 0)", wasm_zig(*ty))))
            }
            Instruction::Bitcasts { casts } => {
                for (cast, o) in casts.iter().zip(operands.iter()) {
                    results.push(Self::bitcast(cast, o));
                }
            }
            Instruction::I32Load { offset } => results.push(self.load("i32", &op(0), *offset)),
            Instruction::I32Load8U { offset } => {
                results.push(format!("@as(i32, {})", self.load("u8", &op(0), *offset)))
            }
            Instruction::I32Load8S { offset } => {
                results.push(format!("@as(i32, {})", self.load("i8", &op(0), *offset)))
            }
            Instruction::I32Load16U { offset } => {
                results.push(format!("@as(i32, {})", self.load("u16", &op(0), *offset)))
            }
            Instruction::I32Load16S { offset } => {
                results.push(format!("@as(i32, {})", self.load("i16", &op(0), *offset)))
            }
            Instruction::I64Load { offset } => results.push(self.load("i64", &op(0), *offset)),
            Instruction::F32Load { offset } => results.push(self.load("f32", &op(0), *offset)),
            Instruction::F64Load { offset } => results.push(self.load("f64", &op(0), *offset)),
            Instruction::PointerLoad { offset } | Instruction::LengthLoad { offset } => {
                results.push(self.load("usize", &op(0), *offset))
            }
            Instruction::I32Store { offset } => self.store("i32", &op(0), &op(1), *offset),
            Instruction::I32Store8 { offset } => self.store(
                "u8",
                &format!("@as(u8, @truncate(@as(u32, @bitCast({}))))", op(0)),
                &op(1),
                *offset,
            ),
            Instruction::I32Store16 { offset } => self.store(
                "u16",
                &format!("@as(u16, @truncate(@as(u32, @bitCast({}))))", op(0)),
                &op(1),
                *offset,
            ),
            Instruction::I64Store { offset } => self.store("i64", &op(0), &op(1), *offset),
            Instruction::F32Store { offset } => self.store("f32", &op(0), &op(1), *offset),
            Instruction::F64Store { offset } => self.store("f64", &op(0), &op(1), *offset),
            Instruction::PointerStore { offset } | Instruction::LengthStore { offset } => {
                self.store("usize", &op(0), &op(1), *offset)
            }

            Instruction::I32FromChar => results.push(format!("@as(i32, @intCast({}))", op(0))),
            Instruction::I32FromU32 => results.push(format!("@as(i32, @bitCast({}))", op(0))),
            Instruction::I32FromS32 => results.push(op(0)),
            Instruction::I32FromU16
            | Instruction::I32FromS16
            | Instruction::I32FromU8
            | Instruction::I32FromS8 => results.push(format!("@as(i32, {})", op(0))),
            Instruction::I32FromBool => results.push(format!("@as(i32, @intFromBool({}))", op(0))),
            Instruction::I64FromU64 => results.push(format!("@as(i64, @bitCast({}))", op(0))),
            Instruction::I64FromS64
            | Instruction::S32FromI32
            | Instruction::S64FromI64
            | Instruction::CoreF32FromF32
            | Instruction::CoreF64FromF64
            | Instruction::F32FromCoreF32
            | Instruction::F64FromCoreF64 => results.push(op(0)),
            Instruction::S8FromI32 => results.push(format!("@as(i8, @truncate({}))", op(0))),
            Instruction::S16FromI32 => results.push(format!("@as(i16, @truncate({}))", op(0))),
            Instruction::U8FromI32 => {
                results.push(format!("@as(u8, @truncate(@as(u32, @bitCast({}))))", op(0)))
            }
            Instruction::U16FromI32 => results.push(format!(
                "@as(u16, @truncate(@as(u32, @bitCast({}))))",
                op(0)
            )),
            Instruction::U32FromI32 => results.push(format!("@as(u32, @bitCast({}))", op(0))),
            Instruction::CharFromI32 => {
                results.push(format!("@as(u21, @intCast(@as(u32, @bitCast({}))))", op(0)))
            }
            Instruction::U64FromI64 => results.push(format!("@as(u64, @bitCast({}))", op(0))),
            Instruction::BoolFromI32 => results.push(format!("({} != 0)", op(0))),

            Instruction::ListCanonLower { .. } | Instruction::StringLower { .. } => {
                results.push(format!("@intFromPtr({}.ptr)", op(0)));
                results.push(format!("{}.len", op(0)));
            }
            Instruction::ListLower { element, realloc } => {
                let block = self.blocks.pop().expect("list block");
                let list = op(0);
                let (size, align) = self.elem_info(element);
                let ptr = self.tmp("ptr");
                let len = self.tmp("len");
                // Declared at function level: the cleanup after the call must see them.
                let _ = writeln!(self.hoisted, "var {ptr}: usize = 0;\nvar {len}: usize = 0;");
                let i = self.tmp("i");
                let id = block.id;
                let elem = if block.src.contains(&format!("e{id}_")) {
                    format!("e{id}_")
                } else {
                    "_".to_string()
                };
                let _ = writeln!(
                    self.src,
                    "{ptr} = bindings.allocRaw({list}.len * {size}, {align});\n\
                     {len} = {list}.len;\n\
                     for ({list}, 0..) |{elem}, {i}| {{\n\
                     const base{id}_ = {ptr} + {i} * {size};\n{}}}",
                    block.src
                );
                if realloc.is_none() {
                    self.cleanup
                        .push(format!("bindings.freeRaw({ptr}, {len} * {size}, {align});"));
                }
                results.push(ptr);
                results.push(len);
            }
            Instruction::ListCanonLift { element, .. } => {
                let elem = self.types.ty(element);
                results.push(format!("bindings.sliceFrom({elem}, {}, {})", op(0), op(1)));
            }
            Instruction::StringLift => {
                results.push(format!("bindings.sliceFrom(u8, {}, {})", op(0), op(1)));
            }
            Instruction::ListLift { element, .. } => {
                let block = self.blocks.pop().expect("list block");
                let elem = self.types.ty(element);
                let (size, align) = self.elem_info(element);
                let src = self.bind(Some("usize"), &op(0));
                let len = self.bind(Some("usize"), &op(1));
                let arr = self.tmp("arr");
                let i = self.tmp("i");
                let slot = self.tmp("slot");
                let id = block.id;
                let value = block.results.first().cloned().unwrap_or_default();
                let _ = writeln!(
                    self.src,
                    "const {arr} = bindings.allocator.alloc({elem}, {len}) catch @panic(\"embwit: out of memory\");\n\
                     for ({arr}, 0..) |*{slot}, {i}| {{\n\
                     const base{id}_ = {src} + {i} * {size};\n{}{slot}.* = {value};\n}}\n\
                     bindings.freeRaw({src}, {len} * {size}, {align});",
                    block.src
                );
                results.push(arr);
            }
            Instruction::IterElem { .. } => results.push(format!("e{}_", self.blocks.current_id())),
            Instruction::IterBasePointer => {
                results.push(format!("base{}_", self.blocks.current_id()))
            }
            Instruction::RecordLower { record, .. } => {
                for f in &record.fields {
                    results.push(format!("{}.{}", op(0), field(&f.name)));
                }
            }
            Instruction::RecordLift { record, ty, .. } => {
                let t = self.types.ty(&Type::Id(*ty));
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(operands.iter())
                    .map(|(f, v)| format!(".{} = {v}", field(&f.name)))
                    .collect();
                results.push(format!("{t}{{ {} }}", fields.join(", ")));
            }
            Instruction::TupleLower { tuple, .. } => {
                for i in 0..tuple.types.len() {
                    results.push(format!("{}[{i}]", op(0)));
                }
            }
            Instruction::TupleLift { ty, .. } => {
                let t = self.types.ty(&Type::Id(*ty));
                results.push(format!("@as({t}, .{{ {} }})", operands.join(", ")));
            }
            Instruction::HandleLower { handle, .. } => match handle {
                Handle::Borrow(r) if self.types.is_exported_resource(*r) => results.push(format!(
                    "@as(i32, @bitCast(@as(u32, @intCast(@intFromPtr({})))))",
                    op(0)
                )),
                _ => results.push(format!("{}.handle", op(0))),
            },
            Instruction::HandleLift { handle, ty, .. } => {
                let t = self.types.ty(&Type::Id(*ty));
                match handle {
                    Handle::Borrow(r) if self.types.is_exported_resource(*r) => {
                        results.push(format!(
                            "@as({t}, @ptrFromInt(@as(usize, @as(u32, @bitCast({})))))",
                            op(0)
                        ))
                    }
                    _ => results.push(format!("{t}{{ .handle = {} }}", op(0))),
                }
            }
            Instruction::FlagsLower { flags, .. } => {
                let bits = match flags.repr() {
                    FlagsRepr::U8 => "u8",
                    FlagsRepr::U16 => "u16",
                    FlagsRepr::U32(_) => "u32",
                };
                results.push(format!(
                    "@as(i32, @bitCast(@as(u32, @as({bits}, @bitCast({})))))",
                    op(0)
                ));
            }
            Instruction::FlagsLift { flags, ty, .. } => {
                let bits = match flags.repr() {
                    FlagsRepr::U8 => "u8",
                    FlagsRepr::U16 => "u16",
                    FlagsRepr::U32(_) => "u32",
                };
                let t = self.types.ty(&Type::Id(*ty));
                results.push(format!(
                    "@as({t}, @bitCast(@as({bits}, @truncate(@as(u32, @bitCast({}))))))",
                    op(0)
                ));
            }
            Instruction::EnumLower { .. } => {
                results.push(format!("@as(i32, @intFromEnum({}))", op(0)))
            }
            Instruction::EnumLift { ty, .. } => {
                let t = self.types.ty(&Type::Id(*ty));
                results.push(format!("@as({t}, @enumFromInt({}))", op(0)));
            }
            Instruction::VariantPayloadName => {
                let name = self.tmp("payload");
                self.payload = Some(name.clone());
                results.push(name);
            }
            Instruction::VariantLower {
                variant,
                results: tys,
                ..
            } => {
                let blocks = self.blocks.take_last(variant.cases.len());
                let names = self.result_vars(tys);
                let _ = writeln!(self.src, "switch ({}) {{", op(0));
                for (case, block) in variant.cases.iter().zip(blocks) {
                    let capture = match (&case.ty, &block.payload) {
                        (Some(_), Some(p)) => format!(" |{p}|"),
                        _ => String::new(),
                    };
                    let _ = writeln!(
                        self.src,
                        ".{} =>{capture} {{\n{}",
                        field(&case.name),
                        block.src
                    );
                    self.assign(&names, &block);
                    let _ = writeln!(self.src, "}},");
                }
                let _ = writeln!(self.src, "}}");
                results.extend(names);
            }
            Instruction::VariantLift { variant, ty, .. } => {
                let blocks = self.blocks.take_last(variant.cases.len());
                let t = self.types.ty(&Type::Id(*ty));
                let arms = variant
                    .cases
                    .iter()
                    .zip(blocks)
                    .map(|(case, block)| {
                        let value = match block.results.first() {
                            Some(v) => format!("{t}{{ .{} = {v} }}", field(&case.name)),
                            None => format!("@as({t}, .{})", field(&case.name)),
                        };
                        (block, value)
                    })
                    .collect();
                let v = self.lift_cases(&op(0), &t, arms);
                results.push(v);
            }
            Instruction::OptionLower { results: tys, .. } => {
                let mut blocks = self.blocks.take_last(2);
                let some = blocks.pop().unwrap();
                let none = blocks.pop().unwrap();
                let names = self.result_vars(tys);
                let p = some.payload.clone().unwrap_or_else(|| "_".into());
                let _ = writeln!(self.src, "if ({}) |{p}| {{\n{}", op(0), some.src);
                self.assign(&names, &some);
                let _ = writeln!(self.src, "}} else {{\n{}", none.src);
                self.assign(&names, &none);
                let _ = writeln!(self.src, "}}");
                results.extend(names);
            }
            Instruction::OptionLift { ty, .. } => {
                let mut blocks = self.blocks.take_last(2);
                let some = blocks.pop().unwrap();
                let none = blocks.pop().unwrap();
                let t = self.types.ty(&Type::Id(*ty));
                let value = some.results.first().cloned().unwrap_or_default();
                let v = self.lift_cases(&op(0), &t, vec![(none, "null".into()), (some, value)]);
                results.push(v);
            }
            Instruction::ResultLower {
                result,
                results: tys,
                ..
            } => {
                let mut blocks = self.blocks.take_last(2);
                let err = blocks.pop().unwrap();
                let ok = blocks.pop().unwrap();
                let names = self.result_vars(tys);
                let ok_capture = match (&result.ok, &ok.payload) {
                    (Some(_), Some(p)) => format!(" |{p}|"),
                    _ => " |_|".to_string(),
                };
                if self.types.is_error_union(&result.err) {
                    let enum_t = self.types.ty(result.err.as_ref().unwrap());
                    let ok_capture = if result.ok.is_some() {
                        ok_capture
                    } else {
                        String::new()
                    };
                    let e = self.tmp("err");
                    let _ = writeln!(self.src, "if ({}){ok_capture} {{\n{}", op(0), ok.src);
                    self.assign(&names, &ok);
                    let _ = writeln!(self.src, "}} else |{e}| {{");
                    if let Some(p) = &err.payload {
                        let _ = writeln!(
                            self.src,
                            "const {p}: {enum_t} = bindings.errorToEnum({enum_t}, {e});"
                        );
                    } else {
                        let _ = writeln!(self.src, "_ = {e};");
                    }
                    self.src.push_str(&err.src);
                    self.assign(&names, &err);
                    let _ = writeln!(self.src, "}}");
                } else {
                    let ok_capture = if result.ok.is_some() {
                        ok_capture
                    } else {
                        String::new()
                    };
                    let err_capture = match (&result.err, &err.payload) {
                        (Some(_), Some(p)) => format!(" |{p}|"),
                        _ => String::new(),
                    };
                    let _ = writeln!(
                        self.src,
                        "switch ({}) {{\n.ok =>{ok_capture} {{\n{}",
                        op(0),
                        ok.src
                    );
                    self.assign(&names, &ok);
                    let _ = writeln!(self.src, "}},\n.err =>{err_capture} {{\n{}", err.src);
                    self.assign(&names, &err);
                    let _ = writeln!(self.src, "}},\n}}");
                }
                results.extend(names);
            }
            Instruction::ResultLift { result, ty } => {
                let mut blocks = self.blocks.take_last(2);
                let err = blocks.pop().unwrap();
                let ok = blocks.pop().unwrap();
                let t = self.types.ty(&Type::Id(*ty));
                let ok_v = ok.results.first().cloned().unwrap_or_else(|| "{}".into());
                let err_v = err.results.first().cloned().unwrap_or_else(|| "{}".into());
                let (ok_value, err_value) = if self.types.is_error_union(&result.err) {
                    let enum_id = self.types.as_enum(result.err.as_ref().unwrap()).unwrap();
                    let set = self.types.error_set(enum_id);
                    (ok_v, format!("bindings.enumToError({set}, {err_v})"))
                } else {
                    (
                        format!("{t}{{ .ok = {ok_v} }}"),
                        format!("{t}{{ .err = {err_v} }}"),
                    )
                };
                let v = self.lift_cases(&op(0), &t, vec![(ok, ok_value), (err, err_value)]);
                results.push(v);
            }
            Instruction::CallWasm { sig, .. } => {
                let call = format!("{}({})", self.callee, operands.join(", "));
                if sig.results.is_empty() {
                    let _ = writeln!(self.src, "{call};");
                } else {
                    let r = self.bind(None, &call);
                    results.push(r);
                }
                for stmt in std::mem::take(&mut self.cleanup) {
                    let _ = writeln!(self.src, "{stmt}");
                }
            }
            Instruction::CallInterface { func, .. } => {
                // Arguments holding borrowed host handles are kept in locals: the borrows must be
                // given back (`[resource-drop]`) once the applet's function returns.
                let mut args = Vec::new();
                let mut borrows = Vec::new();
                for (param, o) in func.params.iter().zip(operands.iter()) {
                    if self.has_host_borrow(&param.ty) {
                        let t = self.types.ty(&param.ty);
                        let local = self.bind(Some(&t), o);
                        borrows.push((param.ty, local.clone()));
                        args.push(local);
                    } else {
                        args.push(o.clone());
                    }
                }
                let call = format!("{}({})", self.callee, args.join(", "));
                let result = match &func.result {
                    None => {
                        let _ = writeln!(self.src, "{call};");
                        None
                    }
                    Some(ty) => {
                        let t = self.types.ty(ty);
                        Some(self.bind(Some(&t), &call))
                    }
                };
                for (ty, local) in borrows {
                    self.drop_host_borrows(&ty, &local);
                }
                results.extend(result);
            }
            Instruction::Return { amt, .. } => {
                if *amt == 1 {
                    let _ = writeln!(self.src, "return {};", op(0));
                }
            }
            Instruction::Malloc { size, align, .. } => {
                let expr = format!(
                    "bindings.allocRaw({}, {})",
                    size.size_wasm32(),
                    align.align_wasm32()
                );
                let p = self.bind(Some("usize"), &expr);
                results.push(p);
            }
            Instruction::GuestDeallocate { size, align } => {
                let _ = writeln!(
                    self.src,
                    "bindings.freeRaw({}, {}, {});",
                    op(0),
                    size.size_wasm32(),
                    align.align_wasm32()
                );
            }
            Instruction::GuestDeallocateString => {
                let _ = writeln!(self.src, "bindings.freeRaw({}, {}, 1);", op(0), op(1));
            }
            Instruction::GuestDeallocateList { element } => {
                let block = self.blocks.pop().expect("list block");
                let (size, align) = self.elem_info(element);
                let ptr = self.bind(Some("usize"), &op(0));
                let len = self.bind(Some("usize"), &op(1));
                if !block.src.trim().is_empty() {
                    let i = self.tmp("i");
                    let id = block.id;
                    let _ = writeln!(
                        self.src,
                        "for (0..{len}) |{i}| {{\nconst base{id}_ = {ptr} + {i} * {size};\n{}}}",
                        block.src
                    );
                }
                let _ = writeln!(
                    self.src,
                    "bindings.freeRaw({ptr}, {len} * {size}, {align});"
                );
            }
            Instruction::GuestDeallocateVariant { blocks } => {
                let blocks = self.blocks.take_last(*blocks);
                let _ = writeln!(self.src, "switch ({}) {{", op(0));
                for (i, block) in blocks.into_iter().enumerate() {
                    if !block.src.trim().is_empty() {
                        let _ = writeln!(self.src, "{i} => {{\n{}}},", block.src);
                    }
                }
                let _ = writeln!(self.src, "else => {{}},\n}}");
            }
            Instruction::Flush { .. } => results.append(operands),
            other => unreachable!(
                "instruction {other:?} needs a feature the Zig backend rejects up front"
            ),
        }
    }

    fn return_pointer(&mut self, size: ArchitectureSize, align: Alignment) -> String {
        let size = size.size_wasm32();
        let align = align.align_wasm32();
        match &mut self.ret_area {
            RetArea::Stack => {
                let name = self.tmp("ret_area");
                let _ = writeln!(
                    self.src,
                    "var {name}: [{}]u8 align({align}) = undefined;",
                    size.max(1)
                );
                format!("@intFromPtr(&{name})")
            }
            RetArea::Static {
                size: max_size,
                align: max_align,
            } => {
                *max_size = (*max_size).max(size);
                *max_align = (*max_align).max(align);
                "@intFromPtr(&bindings.ret_area)".to_string()
            }
        }
    }

    fn push_block(&mut self) {
        self.blocks.push(&mut self.src, &mut self.payload);
    }

    fn finish_block(&mut self, operands: &mut Vec<String>) {
        self.blocks
            .finish(&mut self.src, &mut self.payload, operands);
    }

    fn sizes(&self) -> &SizeAlign {
        self.sizes
    }

    fn is_list_canonical(&self, _resolve: &Resolve, element: &Type) -> bool {
        matches!(
            element,
            Type::U8
                | Type::S8
                | Type::U16
                | Type::S16
                | Type::U32
                | Type::S32
                | Type::U64
                | Type::S64
                | Type::F32
                | Type::F64
        )
    }
}
