//! Rust definitions of WIT resources: a handle wrapper per resource, plus for guest-defined
//! (exported) resources the `Borrow` view and the `[resource-new]`/`[resource-rep]` glue.

use std::fmt::Write as _;

use wit_parser::{TypeId, WorldKey};

use super::Gen;
use crate::codegen::names::{self, ResourceOp};

/// A local `wit_import` declaration for a core import `(module, name)` with the given signature.
pub fn import_decl(module: &str, name: &str, params: &[&str], result: Option<&str>) -> String {
    let params: Vec<String> = params.iter().map(|t| format!("_: {t}")).collect();
    let params = params.join(", ");
    let ret = result.map(|r| format!(" -> {r}")).unwrap_or_default();
    format!(
        "#[cfg(target_arch = \"wasm32\")]\n#[link(wasm_import_module = {module:?})]\nunsafe extern \"C\" {{\n    #[link_name = {name:?}]\n    fn wit_import({params}){ret};\n}}\n#[cfg(not(target_arch = \"wasm32\"))]\nunsafe extern \"C\" fn wit_import({params}){ret} {{\n    unreachable!(\"embwit bindings only run on wasm32\")\n}}\n"
    )
}

impl Gen<'_> {
    pub fn define_resource(
        &mut self,
        id: TypeId,
        name: &str,
        docs: &str,
        _module: &[String],
        out: &mut String,
    ) {
        let key = self.owner_key(id);
        let exported = self.is_exported_resource(id);
        let drop_op = if exported {
            ResourceOp::ExportedDrop
        } else {
            ResourceOp::ImportedDrop
        };
        let (m, n) = names::resource_import_name(self.resolve, key.as_ref(), id, drop_op);
        let drop_decl = import_decl(&m, &n, &["i32"], None);
        let _ = write!(
            out,
            r#"{docs}#[derive(Debug)]
#[repr(transparent)]
pub struct {name} {{
    handle: _rt::Resource<{name}>,
}}
impl {name} {{
    /// Wraps an owned handle.
    ///
    /// # Safety
    /// `handle` must be an owned handle of this resource type.
    #[doc(hidden)]
    pub unsafe fn from_handle(handle: u32) -> Self {{
        Self {{ handle: unsafe {{ _rt::Resource::from_handle(handle) }} }}
    }}
    /// Gives the handle away; this value no longer drops the resource.
    #[doc(hidden)]
    pub fn take_handle(&self) -> u32 {{
        _rt::Resource::take_handle(&self.handle)
    }}
    /// The handle, still owned by this value.
    #[doc(hidden)]
    pub fn handle(&self) -> u32 {{
        _rt::Resource::handle(&self.handle)
    }}
}}
// SAFETY: `drop` calls the resource's `[resource-drop]` import with the handle given.
unsafe impl _rt::WasmResource for {name} {{
    unsafe fn drop(handle: u32) {{
        {drop_decl}
        unsafe {{ wit_import(handle as i32) }}
    }}
}}
"#
        );
        if !exported {
            return;
        }
        let (nm, nn) =
            names::resource_import_name(self.resolve, key.as_ref(), id, ResourceOp::ExportedNew);
        let new_decl = import_decl(&nm, &nn, &["*mut u8"], Some("i32"));
        let (rm, rn) =
            names::resource_import_name(self.resolve, key.as_ref(), id, ResourceOp::ExportedRep);
        let rep_decl = import_decl(&rm, &rn, &["i32"], Some("*mut u8"));
        let _ = write!(
            out,
            r#"impl {name} {{
    /// Makes a new resource owned by the caller from the applet's representation `val`.
    pub fn new<T: Guest{name}>(val: T) -> Self {{
        let rep = _rt::Box::into_raw(_rt::Box::new(val)).cast::<u8>();
        {new_decl}
        // SAFETY: `[resource-new]` returns a fresh owned handle for `rep`.
        unsafe {{ Self::from_handle(wit_import(rep) as u32) }}
    }}
    /// The representation behind this handle. `T` must be the type the applet exports for
    /// this resource (the one given to `new`).
    pub fn get<T: Guest{name}>(&self) -> &T {{
        {rep_decl}
        // SAFETY: the handle is owned and live, so the host returns the `Box<T>` made by `new`.
        unsafe {{ &*wit_import(self.handle() as i32).cast::<T>() }}
    }}
    /// Frees a representation when the host drops the last handle (the `[dtor]` export).
    ///
    /// # Safety
    /// `rep` must come from `new::<T>` and not be used afterwards.
    #[doc(hidden)]
    pub unsafe fn dtor<T: 'static>(rep: *mut u8) {{
        drop(unsafe {{ _rt::Box::from_raw(rep.cast::<T>()) }});
    }}
}}
/// A borrow of a `{name}` the host lends for one call.
#[derive(Debug)]
pub struct {name}Borrow<'a> {{
    rep: *mut u8,
    _marker: ::core::marker::PhantomData<&'a {name}>,
}}
impl<'a> {name}Borrow<'a> {{
    /// Wraps the representation pointer the host passes for a borrowed handle.
    ///
    /// # Safety
    /// `rep` must be a live representation made by `{name}::new`.
    #[doc(hidden)]
    pub unsafe fn lift(rep: usize) -> Self {{
        Self {{ rep: rep as *mut u8, _marker: ::core::marker::PhantomData }}
    }}
    /// The representation. `T` must be the type the applet exports for this resource.
    pub fn get<T: Guest{name}>(&self) -> &'a T {{
        // SAFETY: the host lends a live representation for the duration of the call.
        unsafe {{ &*self.rep.cast::<T>() }}
    }}
}}
"#
        );
    }

    /// The world key of the interface that declares a type, if any.
    pub fn owner_key(&self, id: TypeId) -> Option<WorldKey> {
        match self.resolve.types[id].owner {
            wit_parser::TypeOwner::Interface(i) => self.iface_keys.get(&i).cloned(),
            _ => None,
        }
    }
}
