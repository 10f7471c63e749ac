//! The parts of a world that the C and Zig backends walk in the same way: which interfaces are
//! imported and exported, the name prefix each one gets, which resources the applet itself defines,
//! and how the `component-type` custom section is spelled in assembler.

use std::collections::{BTreeSet, HashMap};

use super::super::names;
use anyhow::{Result, bail};
use heck::ToSnakeCase;
use wit_parser::{
    Function, FunctionKind, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldId,
    WorldItem, WorldKey,
};

/// One interface or the world's own functions, as seen from one side (import or export).
pub struct Scope {
    /// `None` for functions declared directly in the world.
    pub key: Option<WorldKey>,
    /// `None` for functions declared directly in the world.
    pub interface: Option<InterfaceId>,
    /// snake_case prefix of every C name in this scope (`embwit_gpio_pins`, `exports_...`).
    pub prefix: String,
    /// The functions, in declaration order.
    pub functions: Vec<Function>,
    /// Docs of the interface, if any.
    pub docs: Option<String>,
    /// The WIT name, for comments (`embwit:gpio/pins@0.1.0`).
    pub wit_name: String,
}

/// The shape of one world, shared by the C and Zig backends.
pub struct WorldShape {
    /// snake_case world name: the prefix of world-wide helper names.
    pub name: String,
    /// Imported interfaces (and world-level imported functions last).
    pub imports: Vec<Scope>,
    /// Exported interfaces (and world-level exported functions last).
    pub exports: Vec<Scope>,
    /// Prefix of each imported interface.
    pub import_prefix: HashMap<InterfaceId, String>,
    /// Prefix of each exported interface. An interface may be both imported and exported: its
    /// types and resources then exist twice, once per side (see [`WorldShape::owner_prefix`]).
    pub export_prefix: HashMap<InterfaceId, String>,
    /// Types declared directly in the world.
    pub world_types: Vec<TypeId>,
}

impl WorldShape {
    /// Collects the shape of `world`. Fails on features the C and Zig backends do not support yet
    /// (async functions, futures, streams, maps, fixed-length lists).
    pub fn new(resolve: &Resolve, world_id: WorldId) -> Result<Self> {
        names::check_supported(resolve, world_id)?;
        let world = &resolve.worlds[world_id];
        let name = world.name.to_snake_case();
        // Two versions of one package in a world: names carry the version.
        let versioned = names::world_has_multiple_versions(resolve, world_id);
        let mut shape = WorldShape {
            name: name.clone(),
            imports: Vec::new(),
            exports: Vec::new(),
            import_prefix: HashMap::new(),
            export_prefix: HashMap::new(),
            world_types: Vec::new(),
        };
        for (exported, items) in [(false, &world.imports), (true, &world.exports)] {
            let mut world_funcs = Vec::new();
            for (key, item) in items.iter() {
                match item {
                    WorldItem::Interface { id, .. } => {
                        let iface = &resolve.interfaces[*id];
                        let segments = names::interface_segments(resolve, key, versioned);
                        let base = match key {
                            WorldKey::Interface(_) => segments
                                .iter()
                                .map(|s| s.to_snake_case())
                                .collect::<Vec<_>>()
                                .join("_"),
                            WorldKey::Name(n) => format!("{name}_{}", n.to_snake_case()),
                        };
                        let prefix = if exported {
                            format!("exports_{base}")
                        } else {
                            base
                        };
                        if exported {
                            shape.export_prefix.insert(*id, prefix.clone());
                        } else {
                            shape.import_prefix.insert(*id, prefix.clone());
                        }
                        let scope = Scope {
                            key: Some(key.clone()),
                            interface: Some(*id),
                            prefix,
                            functions: iface.functions.values().cloned().collect(),
                            docs: iface.docs.contents.clone(),
                            wit_name: resolve.name_world_key(key),
                        };
                        if exported {
                            shape.exports.push(scope);
                        } else {
                            shape.imports.push(scope);
                        }
                    }
                    WorldItem::Function(f) => world_funcs.push(f.clone()),
                    WorldItem::Type { id, .. } => shape.world_types.push(*id),
                }
            }
            if !world_funcs.is_empty() {
                let scope = Scope {
                    key: None,
                    interface: None,
                    prefix: if exported {
                        format!("exports_{name}")
                    } else {
                        name.clone()
                    },
                    functions: world_funcs,
                    docs: None,
                    wit_name: world.name.clone(),
                };
                if exported {
                    shape.exports.push(scope);
                } else {
                    shape.imports.push(scope);
                }
            }
        }
        for scope in shape.imports.iter().chain(&shape.exports) {
            if let Some(f) = scope.functions.iter().find(|f| is_async(f)) {
                bail!(
                    "function `{}` in `{}` is async; the C and Zig backends support the \
                     synchronous ABI only",
                    f.name,
                    scope.wit_name
                );
            }
        }
        Ok(shape)
    }

    /// The types one side of a scope needs: the interface's own, then those its functions use.
    pub fn scope_types(resolve: &Resolve, scope: &Scope) -> Vec<TypeId> {
        let mut types = Vec::new();
        if let Some(id) = scope.interface {
            types.extend(resolve.interfaces[id].types.values().copied());
        }
        for f in &scope.functions {
            for ty in f.parameter_and_result_types() {
                if let Type::Id(id) = ty {
                    types.push(id);
                }
            }
        }
        let mut seen = BTreeSet::new();
        types.retain(|id| seen.insert(*id));
        types
    }

    /// Prefix for names of a type owned by `owner`, seen from the export side when `exporting`
    /// (an interface both imported and exported has one set of names per side).
    pub fn owner_prefix(&self, owner: TypeOwner, exporting: bool) -> String {
        match owner {
            TypeOwner::Interface(id) => {
                let (first, second) = if exporting {
                    (&self.export_prefix, &self.import_prefix)
                } else {
                    (&self.import_prefix, &self.export_prefix)
                };
                first
                    .get(&id)
                    .or_else(|| second.get(&id))
                    .cloned()
                    .unwrap_or_else(|| format!("{}_iface{}", self.name, id.index()))
            }
            TypeOwner::World(_) | TypeOwner::None => self.name.clone(),
        }
    }

    /// True if `resource` (already dealiased) is implemented by the applet, seen from the export
    /// side when `exporting`.
    pub fn is_exported_resource(
        &self,
        resolve: &Resolve,
        resource: TypeId,
        exporting: bool,
    ) -> bool {
        let TypeOwner::Interface(id) = resolve.types[resource].owner else {
            return false;
        };
        if exporting {
            self.export_prefix.contains_key(&id)
        } else {
            !self.import_prefix.contains_key(&id) && self.export_prefix.contains_key(&id)
        }
    }
}

/// True for the async function kinds, which these backends reject.
pub fn is_async(f: &Function) -> bool {
    matches!(
        f.kind,
        FunctionKind::AsyncFreestanding
            | FunctionKind::AsyncMethod(_)
            | FunctionKind::AsyncStatic(_)
    )
}

/// The resource a method, static function or constructor belongs to.
pub fn func_resource(f: &Function) -> Option<TypeId> {
    match f.kind {
        FunctionKind::Method(id)
        | FunctionKind::AsyncMethod(id)
        | FunctionKind::Static(id)
        | FunctionKind::AsyncStatic(id)
        | FunctionKind::Constructor(id)
        | FunctionKind::MethodGetter(id)
        | FunctionKind::MethodSetter(id)
        | FunctionKind::StaticGetter(id)
        | FunctionKind::StaticSetter(id) => Some(id),
        FunctionKind::Freestanding
        | FunctionKind::AsyncFreestanding
        | FunctionKind::Getter
        | FunctionKind::Setter => None,
    }
}

/// Follows `type a = b` aliases to the type that defines the structure.
pub fn dealias(resolve: &Resolve, mut id: TypeId) -> TypeId {
    while let TypeDefKind::Type(Type::Id(next)) = resolve.types[id].kind {
        id = next;
    }
    id
}

/// Renders `bytes` as assembler `.byte` lines, 16 per line.
pub fn asm_bytes(bytes: &[u8], line_prefix: &str, line_suffix: &str) -> Vec<String> {
    bytes
        .chunks(16)
        .map(|chunk| {
            let list: Vec<String> = chunk.iter().map(|b| b.to_string()).collect();
            format!("{line_prefix}.byte {}{line_suffix}", list.join(","))
        })
        .collect()
}
