//! The C implementation of `wit_bindgen_core::abi::Bindgen`: turns the canonical-ABI instruction
//! stream of one function into C statements.

use std::fmt::Write;

use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction};
use wit_parser::abi::WasmType;
use wit_parser::{Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type, TypeDefKind};

use super::types::{CTypes, c_ident};
use crate::codegen::bindgen_blocks::{Block, Blocks};

/// Where a return area lives: on the stack of an import wrapper, or in the world's static area
/// for export wrappers (the host reads it after the export returns).
pub enum RetArea {
    Stack,
    Static {
        name: String,
        size: usize,
        align: usize,
    },
}

/// What `CallInterface`/`CallWasm` call.
pub struct Callee {
    /// The C function to call.
    pub name: String,
}

pub struct FunctionBindgen<'a, 'b> {
    pub types: &'b CTypes<'a>,
    pub sizes: &'b SizeAlign,
    pub params: Vec<String>,
    pub callee: Callee,
    pub ret_area: RetArea,
    /// Statements emitted so far in the current block.
    pub src: String,
    /// Statements to run after the wasm call returns (freeing temporary buffers).
    pub cleanup: Vec<String>,
    /// Declarations that must be visible to the whole function body.
    hoisted: String,
    blocks: Blocks,
    /// Payload name of the block being generated (set by `VariantPayloadName`).
    payload: Option<String>,
    tmp: usize,
}

/// A C declaration of `name` with type `ty` (`uint8_t *p`, not `uint8_t * p`).
pub fn decl(ty: &str, name: &str) -> String {
    if ty.ends_with('*') {
        format!("{ty}{name}")
    } else {
        format!("{ty} {name}")
    }
}

/// The C type "pointer to `ty`" (`uint8_t **`, `int32_t *`).
fn ptr_to(ty: &str) -> String {
    if ty.ends_with('*') {
        format!("{ty}*")
    } else {
        format!("{ty} *")
    }
}

/// The C type of a core wasm value.
pub fn wasm_c(ty: WasmType) -> &'static str {
    match ty {
        WasmType::I32 => "int32_t",
        WasmType::I64 | WasmType::PointerOrI64 => "int64_t",
        WasmType::F32 => "float",
        WasmType::F64 => "double",
        WasmType::Pointer => "uint8_t *",
        WasmType::Length => "size_t",
    }
}

impl<'a, 'b> FunctionBindgen<'a, 'b> {
    pub fn new(
        types: &'b CTypes<'a>,
        sizes: &'b SizeAlign,
        params: Vec<String>,
        callee: Callee,
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

    /// Binds `expr` to a fresh local of type `ty` and returns its name.
    fn bind(&mut self, ty: &str, expr: &str) -> String {
        let name = self.tmp("t");
        let _ = writeln!(self.src, "{} = {expr};", decl(ty, &name));
        name
    }

    fn bitcast(cast: &Bitcast, op: &str) -> String {
        match cast {
            Bitcast::None => op.to_string(),
            Bitcast::F32ToI32 => format!("embwit_f32_to_i32({op})"),
            Bitcast::I32ToF32 => format!("embwit_i32_to_f32({op})"),
            Bitcast::F64ToI64 => format!("embwit_f64_to_i64({op})"),
            Bitcast::I64ToF64 => format!("embwit_i64_to_f64({op})"),
            Bitcast::F32ToI64 => format!("(int64_t)(uint32_t)embwit_f32_to_i32({op})"),
            Bitcast::I64ToF32 => format!("embwit_i32_to_f32((int32_t)({op}))"),
            Bitcast::I32ToI64 => format!("(int64_t)(uint32_t)({op})"),
            Bitcast::I64ToI32 => format!("(int32_t)({op})"),
            Bitcast::P64ToI64 | Bitcast::I64ToP64 => op.to_string(),
            Bitcast::P64ToP | Bitcast::I32ToP | Bitcast::LToP => {
                format!("(uint8_t *)(uintptr_t)({op})")
            }
            Bitcast::PToP64 => format!("(int64_t)(uintptr_t)({op})"),
            Bitcast::PToI32 | Bitcast::LToI32 => format!("(int32_t)(uintptr_t)({op})"),
            Bitcast::PToL => format!("(size_t)(uintptr_t)({op})"),
            Bitcast::I32ToL => format!("(size_t)(uint32_t)({op})"),
            Bitcast::I64ToL => format!("(size_t)({op})"),
            Bitcast::LToI64 => format!("(int64_t)({op})"),
            Bitcast::Sequence(pair) => {
                let first = Self::bitcast(&pair[0], op);
                Self::bitcast(&pair[1], &first)
            }
        }
    }

    fn load(&mut self, results: &mut Vec<String>, ty: &str, ptr: &str, offset: ArchitectureSize) {
        let off = offset.size_wasm32();
        results.push(format!("*(({})(({ptr}) + {off}))", ptr_to(ty)));
    }

    fn load_ext(
        &mut self,
        results: &mut Vec<String>,
        ty: &str,
        ptr: &str,
        offset: ArchitectureSize,
    ) {
        let off = offset.size_wasm32();
        results.push(format!(
            "(int32_t)(*(({} *)(({ptr}) + {off})))",
            ty.trim_end()
        ));
    }

    fn store(&mut self, ty: &str, val: &str, ptr: &str, offset: ArchitectureSize) {
        let off = offset.size_wasm32();
        let _ = writeln!(
            self.src,
            "*(({})(({ptr}) + {off})) = ({ty})({val});",
            ptr_to(ty)
        );
    }

    fn type_id_c(&self, id: wit_parser::TypeId) -> String {
        self.types.ty(&Type::Id(id))
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
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let base = self.types.resource_base(*r);
                let _ = writeln!(self.src, "__wasm_import_{base}_drop(({expr}).handle);");
            }
            TypeDefKind::Record(r) => {
                for f in &r.fields {
                    self.drop_host_borrows(&f.ty, &format!("({expr}).{}", c_ident(&f.name)));
                }
            }
            TypeDefKind::Tuple(t) => {
                for (i, t) in t.types.iter().enumerate() {
                    self.drop_host_borrows(t, &format!("({expr}).f{i}"));
                }
            }
            TypeDefKind::Option(t) => {
                let _ = writeln!(self.src, "if (({expr}).is_some) {{");
                self.drop_host_borrows(t, &format!("({expr}).val"));
                let _ = writeln!(self.src, "}}");
            }
            TypeDefKind::List(t) => {
                let i = self.tmp("i");
                let _ = writeln!(
                    self.src,
                    "for (size_t {i} = 0; {i} < ({expr}).len; {i}++) {{"
                );
                self.drop_host_borrows(t, &format!("({expr}).ptr[{i}]"));
                let _ = writeln!(self.src, "}}");
            }
            TypeDefKind::Type(t) => self.drop_host_borrows(t, expr),
            _ => {}
        }
    }

    /// Emits a variant-shaped lift: `discr` selects a block whose result becomes the payload.
    fn lift_cases(
        &mut self,
        discr: &str,
        result_ty: &str,
        cases: Vec<(String, Option<String>)>,
        blocks: Vec<Block>,
    ) -> String {
        let name = self.tmp("v");
        let _ = writeln!(self.src, "{result_ty} {name};");
        let _ = writeln!(self.src, "switch ({discr}) {{");
        for (i, ((set_tag, field), block)) in cases.into_iter().zip(blocks).enumerate() {
            let _ = writeln!(self.src, "case {i}: {{");
            self.src.push_str(&block.src);
            let _ = writeln!(self.src, "{name}.{set_tag};");
            if let (Some(field), Some(value)) = (field, block.results.first()) {
                let _ = writeln!(self.src, "{name}.{field} = {value};");
            }
            let _ = writeln!(self.src, "break;\n}}");
        }
        let _ = writeln!(self.src, "default:\n__builtin_trap();\n}}");
        name
    }

    /// Emits a variant-shaped lower: arm `i` runs when `selector == i`, with the case's payload
    /// (field and C type) bound to the block's payload name.
    fn lower_cases(
        &mut self,
        selector: &str,
        value: &str,
        payload_fields: Vec<Option<(String, String)>>,
        blocks: Vec<Block>,
        results_ty: &[WasmType],
        results: &mut Vec<String>,
    ) {
        let names: Vec<String> = results_ty
            .iter()
            .map(|ty| {
                let n = self.tmp("r");
                let _ = writeln!(self.src, "{} = 0;", decl(wasm_c(*ty), &n));
                n
            })
            .collect();
        let _ = writeln!(self.src, "switch ({selector}) {{");
        for (i, (field, block)) in payload_fields.into_iter().zip(blocks).enumerate() {
            let _ = writeln!(self.src, "case {i}: {{");
            if let (Some((field, ty)), Some(payload)) = (field, &block.payload) {
                let _ = writeln!(self.src, "{ty} {payload} = ({value}).{field};");
            }
            self.src.push_str(&block.src);
            for (n, r) in names.iter().zip(&block.results) {
                let _ = writeln!(self.src, "{n} = {r};");
            }
            let _ = writeln!(self.src, "break;\n}}");
        }
        let _ = writeln!(self.src, "default:\nbreak;\n}}");
        results.extend(names);
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
        match inst {
            Instruction::GetArg { nth } => results.push(self.params[*nth].clone()),
            Instruction::I32Const { val } => results.push(format!("(int32_t){val}")),
            Instruction::ConstZero { tys } => {
                results.extend(tys.iter().map(|ty| format!("({})0", wasm_c(*ty))))
            }
            Instruction::Bitcasts { casts } => {
                for (cast, op) in casts.iter().zip(operands.iter()) {
                    results.push(Self::bitcast(cast, op));
                }
            }
            Instruction::I32Load { offset } => self.load(results, "int32_t", &operands[0], *offset),
            Instruction::I32Load8U { offset } => {
                self.load_ext(results, "uint8_t", &operands[0], *offset)
            }
            Instruction::I32Load8S { offset } => {
                self.load_ext(results, "int8_t", &operands[0], *offset)
            }
            Instruction::I32Load16U { offset } => {
                self.load_ext(results, "uint16_t", &operands[0], *offset)
            }
            Instruction::I32Load16S { offset } => {
                self.load_ext(results, "int16_t", &operands[0], *offset)
            }
            Instruction::I64Load { offset } => self.load(results, "int64_t", &operands[0], *offset),
            Instruction::F32Load { offset } => self.load(results, "float", &operands[0], *offset),
            Instruction::F64Load { offset } => self.load(results, "double", &operands[0], *offset),
            Instruction::PointerLoad { offset } => {
                self.load(results, "uint8_t *", &operands[0], *offset)
            }
            Instruction::LengthLoad { offset } => {
                self.load(results, "size_t", &operands[0], *offset)
            }
            Instruction::I32Store { offset } => {
                self.store("int32_t", &operands[0], &operands[1], *offset)
            }
            Instruction::I32Store8 { offset } => {
                self.store("int8_t", &operands[0], &operands[1], *offset)
            }
            Instruction::I32Store16 { offset } => {
                self.store("int16_t", &operands[0], &operands[1], *offset)
            }
            Instruction::I64Store { offset } => {
                self.store("int64_t", &operands[0], &operands[1], *offset)
            }
            Instruction::F32Store { offset } => {
                self.store("float", &operands[0], &operands[1], *offset)
            }
            Instruction::F64Store { offset } => {
                self.store("double", &operands[0], &operands[1], *offset)
            }
            Instruction::PointerStore { offset } => {
                self.store("uint8_t *", &operands[0], &operands[1], *offset)
            }
            Instruction::LengthStore { offset } => {
                self.store("size_t", &operands[0], &operands[1], *offset)
            }

            Instruction::I32FromChar
            | Instruction::I32FromU32
            | Instruction::I32FromS32
            | Instruction::I32FromU16
            | Instruction::I32FromS16
            | Instruction::I32FromU8
            | Instruction::I32FromS8
            | Instruction::I32FromBool => results.push(format!("(int32_t)({})", operands[0])),
            Instruction::I64FromU64 | Instruction::I64FromS64 => {
                results.push(format!("(int64_t)({})", operands[0]))
            }
            Instruction::CoreF32FromF32
            | Instruction::CoreF64FromF64
            | Instruction::F32FromCoreF32
            | Instruction::F64FromCoreF64 => results.push(operands[0].clone()),
            Instruction::S8FromI32 => results.push(format!("(int8_t)({})", operands[0])),
            Instruction::U8FromI32 => results.push(format!("(uint8_t)({})", operands[0])),
            Instruction::S16FromI32 => results.push(format!("(int16_t)({})", operands[0])),
            Instruction::U16FromI32 => results.push(format!("(uint16_t)({})", operands[0])),
            Instruction::S32FromI32 => results.push(format!("(int32_t)({})", operands[0])),
            Instruction::U32FromI32 | Instruction::CharFromI32 => {
                results.push(format!("(uint32_t)({})", operands[0]))
            }
            Instruction::S64FromI64 => results.push(format!("(int64_t)({})", operands[0])),
            Instruction::U64FromI64 => results.push(format!("(uint64_t)({})", operands[0])),
            Instruction::BoolFromI32 => results.push(format!("(({}) != 0)", operands[0])),

            Instruction::ListCanonLower { .. } | Instruction::StringLower { .. } => {
                let list = &operands[0];
                results.push(format!("(uint8_t *)({list}).ptr"));
                results.push(format!("({list}).len"));
            }
            Instruction::ListLower { element, realloc } => {
                let block = self.blocks.pop().expect("list block");
                let list = operands[0].clone();
                let size = self.sizes.size(element).size_wasm32();
                let align = self.sizes.align(element).align_wasm32();
                let elem_c = self.types.ty(element);
                let ptr = self.tmp("ptr");
                // Declared at function level: the cleanup after the call must see it.
                let _ = writeln!(self.hoisted, "uint8_t *{ptr} = NULL;");
                let i = self.tmp("i");
                let id = block.id;
                let _ = writeln!(
                    self.src,
                    "{ptr} = (uint8_t *)cabi_realloc(NULL, 0, {align}, ({list}).len * {size});\n\
                     for (size_t {i} = 0; {i} < ({list}).len; {i}++) {{\n\
                     uint8_t *base{id} = {ptr} + {i} * {size};\n\
                     {elem_c} e{id} = ({list}).ptr[{i}];\n\
                     (void)e{id};\n{}}}",
                    block.src
                );
                if realloc.is_none() {
                    self.cleanup.push(format!("embwit_free({ptr});"));
                }
                results.push(ptr);
                results.push(format!("({list}).len"));
            }
            Instruction::ListCanonLift { element, ty } => {
                let list_t = self.type_id_c(*ty);
                let elem_c = self.types.ty(element);
                results.push(format!(
                    "({list_t}){{ ({elem_c} *)({}), ({}) }}",
                    operands[0], operands[1]
                ));
            }
            Instruction::StringLift => {
                let string_t = self.types.string_t();
                results.push(format!(
                    "({string_t}){{ (uint8_t *)({}), ({}) }}",
                    operands[0], operands[1]
                ));
            }
            Instruction::ListLift { element, ty } => {
                let block = self.blocks.pop().expect("list block");
                let list_t = self.type_id_c(*ty);
                let elem_c = self.types.ty(element);
                let size = self.sizes.size(element).size_wasm32();
                let src = self.bind("uint8_t *", &operands[0]);
                let len = self.bind("size_t", &operands[1]);
                let arr = self.tmp("arr");
                let i = self.tmp("i");
                let id = block.id;
                let value = block.results.first().cloned().unwrap_or_default();
                let _ = writeln!(
                    self.src,
                    "{elem_c} *{arr} = ({elem_c} *)cabi_realloc(NULL, 0, _Alignof({elem_c}), {len} * sizeof({elem_c}));\n\
                     for (size_t {i} = 0; {i} < {len}; {i}++) {{\n\
                     uint8_t *base{id} = {src} + {i} * {size};\n{}{arr}[{i}] = {value};\n}}\n\
                     embwit_free({src});",
                    block.src
                );
                results.push(format!("({list_t}){{ {arr}, {len} }}"));
            }
            Instruction::IterElem { .. } => results.push(format!("e{}", self.blocks.current_id())),
            Instruction::IterBasePointer => {
                results.push(format!("base{}", self.blocks.current_id()))
            }
            Instruction::RecordLower { record, .. } => {
                for f in &record.fields {
                    results.push(format!("({}).{}", operands[0], c_ident(&f.name)));
                }
            }
            Instruction::RecordLift { ty, .. } | Instruction::TupleLift { ty, .. } => {
                let t = self.type_id_c(*ty);
                results.push(format!("({t}){{ {} }}", operands.join(", ")));
            }
            Instruction::TupleLower { tuple, .. } => {
                for i in 0..tuple.types.len() {
                    results.push(format!("({}).f{i}", operands[0]));
                }
            }
            Instruction::HandleLower { handle, .. } => match handle {
                Handle::Borrow(r) if self.types.is_exported_resource(*r) => {
                    results.push(format!("(int32_t)(uintptr_t)({})", operands[0]))
                }
                Handle::Own(_) | Handle::Borrow(_) => {
                    results.push(format!("({}).handle", operands[0]))
                }
            },
            Instruction::HandleLift { handle, .. } => {
                match handle {
                    Handle::Own(r) => {
                        results.push(format!("({}){{ {} }}", self.types.own_t(*r), operands[0]))
                    }
                    Handle::Borrow(r) if self.types.is_exported_resource(*r) => results.push(
                        format!("({})(uintptr_t)({})", self.types.borrow_t(*r), operands[0]),
                    ),
                    Handle::Borrow(r) => results.push(format!(
                        "({}){{ {} }}",
                        self.types.borrow_t(*r),
                        operands[0]
                    )),
                }
            }
            Instruction::FlagsLower { .. } | Instruction::EnumLower { .. } => {
                results.push(format!("(int32_t)({})", operands[0]))
            }
            Instruction::FlagsLift { ty, .. } | Instruction::EnumLift { ty, .. } => {
                results.push(format!("({})({})", self.type_id_c(*ty), operands[0]))
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
                let fields = variant
                    .cases
                    .iter()
                    .map(|c| {
                        c.ty.as_ref()
                            .map(|t| (format!("val.{}", c_ident(&c.name)), self.types.ty(t)))
                    })
                    .collect();
                let v = operands[0].clone();
                self.lower_cases(&format!("({v}).tag"), &v, fields, blocks, tys, results);
            }
            Instruction::VariantLift { variant, ty, .. } => {
                let blocks = self.blocks.take_last(variant.cases.len());
                let cases = variant
                    .cases
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        (
                            format!("tag = {i}"),
                            c.ty.as_ref().map(|_| format!("val.{}", c_ident(&c.name))),
                        )
                    })
                    .collect();
                let t = self.type_id_c(*ty);
                let v = self.lift_cases(&operands[0], &t, cases, blocks);
                results.push(v);
            }
            Instruction::OptionLower {
                payload,
                results: tys,
                ..
            } => {
                let blocks = self.blocks.take_last(2);
                let fields = vec![None, Some(("val".to_string(), self.types.ty(payload)))];
                let v = operands[0].clone();
                self.lower_cases(
                    &format!("(int)({v}).is_some"),
                    &v,
                    fields,
                    blocks,
                    tys,
                    results,
                );
            }
            Instruction::OptionLift { ty, .. } => {
                let blocks = self.blocks.take_last(2);
                let cases = vec![
                    ("is_some = false".to_string(), None),
                    ("is_some = true".to_string(), Some("val".to_string())),
                ];
                let t = self.type_id_c(*ty);
                let v = self.lift_cases(&operands[0], &t, cases, blocks);
                results.push(v);
            }
            Instruction::ResultLower {
                result,
                results: tys,
                ..
            } => {
                let blocks = self.blocks.take_last(2);
                let fields = vec![
                    result
                        .ok
                        .as_ref()
                        .map(|t| ("val.ok".to_string(), self.types.ty(t))),
                    result
                        .err
                        .as_ref()
                        .map(|t| ("val.err".to_string(), self.types.ty(t))),
                ];
                let v = operands[0].clone();
                self.lower_cases(
                    &format!("(int)({v}).is_err"),
                    &v,
                    fields,
                    blocks,
                    tys,
                    results,
                );
            }
            Instruction::ResultLift { result, ty } => {
                let blocks = self.blocks.take_last(2);
                let cases = vec![
                    (
                        "is_err = false".to_string(),
                        result.ok.as_ref().map(|_| "val.ok".to_string()),
                    ),
                    (
                        "is_err = true".to_string(),
                        result.err.as_ref().map(|_| "val.err".to_string()),
                    ),
                ];
                let t = self.type_id_c(*ty);
                let v = self.lift_cases(&operands[0], &t, cases, blocks);
                results.push(v);
            }
            Instruction::CallWasm { sig, .. } => {
                let call = format!("{}({})", self.callee.name, operands.join(", "));
                match sig.results.first() {
                    None => {
                        let _ = writeln!(self.src, "{call};");
                    }
                    Some(ty) => {
                        let r = self.bind(wasm_c(*ty), &call);
                        results.push(r);
                    }
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
                for (param, op) in func.params.iter().zip(operands.iter()) {
                    if self.has_host_borrow(&param.ty) {
                        let t = self.types.ty(&param.ty);
                        let local = self.bind(&t, op);
                        borrows.push((param.ty, local.clone()));
                        args.push(local);
                    } else {
                        args.push(op.clone());
                    }
                }
                let call = format!("{}({})", self.callee.name, args.join(", "));
                let result = match &func.result {
                    None => {
                        let _ = writeln!(self.src, "{call};");
                        None
                    }
                    Some(ty) => {
                        let t = self.types.ty(ty);
                        Some(self.bind(&t, &call))
                    }
                };
                for (ty, local) in borrows {
                    self.drop_host_borrows(&ty, &local);
                }
                results.extend(result);
            }
            Instruction::Return { amt, .. } => {
                if *amt == 1 {
                    let _ = writeln!(self.src, "return {};", operands[0]);
                }
            }
            Instruction::Malloc { size, align, .. } => {
                let expr = format!(
                    "(uint8_t *)cabi_realloc(NULL, 0, {}, {})",
                    align.align_wasm32(),
                    size.size_wasm32()
                );
                let p = self.bind("uint8_t *", &expr);
                results.push(p);
            }
            Instruction::GuestDeallocate { .. } | Instruction::GuestDeallocateString => {
                let _ = writeln!(self.src, "embwit_free({});", operands[0]);
            }
            Instruction::GuestDeallocateList { element } => {
                let block = self.blocks.pop().expect("list block");
                let size = self.sizes.size(element).size_wasm32();
                let ptr = self.bind("uint8_t *", &operands[0]);
                if !block.src.trim().is_empty() {
                    let len = self.bind("size_t", &operands[1]);
                    let i = self.tmp("i");
                    let id = block.id;
                    let _ = writeln!(
                        self.src,
                        "for (size_t {i} = 0; {i} < {len}; {i}++) {{\n\
                         uint8_t *base{id} = {ptr} + {i} * {size};\n{}}}",
                        block.src
                    );
                }
                let _ = writeln!(self.src, "embwit_free({ptr});");
            }
            Instruction::GuestDeallocateVariant { blocks } => {
                let blocks = self.blocks.take_last(*blocks);
                let _ = writeln!(self.src, "switch ({}) {{", operands[0]);
                for (i, block) in blocks.into_iter().enumerate() {
                    if !block.src.trim().is_empty() {
                        let _ = writeln!(self.src, "case {i}: {{\n{}break;\n}}", block.src);
                    }
                }
                let _ = writeln!(self.src, "default:\nbreak;\n}}");
            }
            Instruction::Flush { .. } => results.append(operands),
            other => {
                unreachable!("instruction {other:?} needs a feature the C backend rejects up front")
            }
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
                    "_Alignas({align}) uint8_t {name}[{}];",
                    size.max(1)
                );
                format!("(uint8_t *){name}")
            }
            RetArea::Static {
                name,
                size: max_size,
                align: max_align,
            } => {
                *max_size = (*max_size).max(size);
                *max_align = (*max_align).max(align);
                format!("(uint8_t *){name}")
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
                | Type::Char
        )
    }
}
