//! Name-based import resolution.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::engine::Engine;
use crate::error::{Error, ErrorKind};
use crate::extern_::Extern;
use crate::func::{HostFn, IntoFunc, untyped_host};
use crate::instance::{Instance, instantiate};
use crate::module::{ImportDesc, Module};
use crate::store::{AsContext, AsContextMut};
use crate::types::FuncType;
use crate::values::Val;
use crate::{Caller, Trap};

enum Definition<T> {
    Extern(Extern),
    Host(FuncType, HostFn<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::Host(t, h) => Definition::Host(t.clone(), h.clone()),
        }
    }
}

/// Resolves imports by `(module, name)`. Later definitions shadow earlier ones.
pub struct Linker<T> {
    engine: Engine,
    /// Definitions by (module, name); a linear list keeps the code small.
    defs: Vec<(String, String, Definition<T>)>,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            defs: self.defs.clone(),
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            defs: Vec::new(),
        }
    }
    /// The linker's engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
    fn lookup(&self, module: &str, name: &str) -> Option<&Definition<T>> {
        self.defs
            .iter()
            .find(|(m, n, _)| m == module && n == name)
            .map(|(_, _, d)| d)
    }
    /// Add or replace (shadow) a definition.
    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) {
        match self
            .defs
            .iter_mut()
            .find(|(m, n, _)| m == module && n == name)
        {
            Some(slot) => slot.2 = def,
            None => self.defs.push((module.to_string(), name.to_string(), def)),
        }
    }
    /// Define a typed host function.
    pub fn func_wrap<P, R>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, P, R>,
    ) -> Result<&mut Self, Error> {
        let (ty, h) = f.into_func();
        self.insert(module, name, Definition::Host(ty, h));
        Ok(self)
    }
    /// Define an untyped host function of type `ty`.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Result<&mut Self, Error> {
        let h = untyped_host(ty.clone(), f);
        self.insert(module, name, Definition::Host(ty, h));
        Ok(self)
    }
    /// Define an item already in a store.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Extern(item.into()));
        Ok(self)
    }
    /// Define every export of `instance` under module name `module`.
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        for (name, ext) in instance.exports(&store) {
            self.insert(module, &name, Definition::Extern(ext));
        }
        Ok(self)
    }
    /// Look up a definition that is already a store item.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        match self.lookup(module, name)? {
            Definition::Extern(e) => Some(*e),
            Definition::Host(..) => None,
        }
    }
    /// Resolve the module's imports and instantiate it (runs the start function).
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let store = store.as_context_mut();
        let mut imports = Vec::new();
        for imp in &module.inner.imports {
            let def = self.lookup(&imp.module, &imp.name).ok_or_else(|| {
                Error::about(
                    ErrorKind::Unlinkable,
                    "unknown import",
                    &imp.module,
                    &imp.name,
                )
            })?;
            let ext = match def {
                Definition::Extern(e) => *e,
                Definition::Host(ty, h) => {
                    if !matches!(imp.desc, ImportDesc::Func(_)) {
                        return Err(Error::about(
                            ErrorKind::Unlinkable,
                            "incompatible import type for",
                            &imp.module,
                            &imp.name,
                        ));
                    }
                    Extern::Func(crate::Func(store.add_host(h.clone(), ty.clone())))
                }
            };
            imports.push(ext);
        }
        instantiate(store, module, &imports)
    }
}
