//! The Markdown for one interface or world and the items inside it.

use std::fmt::Write;

use wit_parser::{
    Docs, Function, FunctionKind, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner,
    WorldId, WorldItem,
};

use crate::load::qualified_world_name;
use crate::wit_text::{kind_text, signature, type_name};

/// A doc comment as a Markdown paragraph (empty when there is none).
pub fn docs_block(docs: &Docs) -> String {
    match docs.contents.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => format!("{text}\n\n"),
        _ => String::new(),
    }
}

/// A doc comment squeezed onto one line, for a table cell.
fn docs_cell(docs: &Docs) -> String {
    docs.contents
        .as_deref()
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
        .replace('|', "\\|")
}

pub fn write_interface(out: &mut String, resolve: &Resolve, name: &str, id: InterfaceId) {
    let iface = &resolve.interfaces[id];
    let _ = writeln!(out, "## Interface `{name}`\n");
    if let Some(full) = resolve.id_of(id) {
        let _ = writeln!(out, "`{full}`\n");
    }
    out.push_str(&docs_block(&iface.docs));

    if !iface.types.is_empty() {
        out.push_str("### Types\n\n");
        let functions: Vec<&Function> = iface.functions.values().collect();
        for ty in iface.types.values() {
            write_type(out, resolve, *ty, &functions);
        }
    }
    let free: Vec<&Function> = iface
        .functions
        .values()
        .filter(|f| resource_of(f).is_none())
        .collect();
    if !free.is_empty() {
        out.push_str("### Functions\n\n");
        for func in free {
            write_function(out, resolve, func, "####");
        }
    }
}

pub fn write_world(out: &mut String, resolve: &Resolve, name: &str, id: WorldId) {
    let world = &resolve.worlds[id];
    let _ = writeln!(out, "## World `{name}`\n");
    let _ = writeln!(out, "`{}`\n", qualified_world_name(resolve, id));
    out.push_str(&docs_block(&world.docs));
    for (label, items) in [("Imports", &world.imports), ("Exports", &world.exports)] {
        let _ = writeln!(out, "### {label}\n");
        if items.is_empty() {
            out.push_str("None.\n\n");
            continue;
        }
        for (key, item) in items {
            let line = match item {
                WorldItem::Interface { id, .. } => {
                    let iface = &resolve.interfaces[*id];
                    let docs = first_line(&iface.docs);
                    format!("- interface `{}`{docs}", resolve.name_world_key(key))
                }
                WorldItem::Function(f) => {
                    format!("- func `{}`{}", signature(resolve, f), first_line(&f.docs))
                }
                WorldItem::Type { id, .. } => {
                    let docs = first_line(&resolve.types[*id].docs);
                    format!("- type `{}`{docs}", type_name(resolve, &Type::Id(*id)))
                }
            };
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
}

/// The first sentence of a doc comment on one line, escaped for a table cell.
pub fn summary(docs: &Docs) -> String {
    let cell = docs_cell(docs);
    match cell.find(". ") {
        Some(end) => cell[..=end].to_string(),
        None => cell,
    }
}

/// ": <first sentence>" of a doc comment, or nothing.
fn first_line(docs: &Docs) -> String {
    let sentence = summary(docs);
    if sentence.is_empty() {
        return String::new();
    }
    format!(": {sentence}")
}

fn resource_of(func: &Function) -> Option<TypeId> {
    match func.kind {
        FunctionKind::Method(r)
        | FunctionKind::AsyncMethod(r)
        | FunctionKind::MethodGetter(r)
        | FunctionKind::MethodSetter(r)
        | FunctionKind::Static(r)
        | FunctionKind::AsyncStatic(r)
        | FunctionKind::StaticGetter(r)
        | FunctionKind::StaticSetter(r)
        | FunctionKind::Constructor(r) => Some(r),
        FunctionKind::Freestanding | FunctionKind::AsyncFreestanding | FunctionKind::Getter => None,
        _ => None,
    }
}

fn write_function(out: &mut String, resolve: &Resolve, func: &Function, heading: &str) {
    let _ = writeln!(out, "{heading} `{}`\n", signature(resolve, func));
    out.push_str(&docs_block(&func.docs));
}

fn write_type(out: &mut String, resolve: &Resolve, id: TypeId, functions: &[&Function]) {
    let def = &resolve.types[id];
    let name = def.name.as_deref().unwrap_or("<anonymous>");
    let docs = docs_block(&def.docs);
    match &def.kind {
        TypeDefKind::Record(r) => {
            let _ = writeln!(out, "#### `record {name}`\n");
            out.push_str(&docs);
            out.push_str("| field | type | description |\n|---|---|---|\n");
            for f in &r.fields {
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {} |",
                    f.name,
                    type_name(resolve, &f.ty),
                    docs_cell(&f.docs)
                );
            }
            out.push('\n');
        }
        TypeDefKind::Variant(v) => {
            let _ = writeln!(out, "#### `variant {name}`\n");
            out.push_str(&docs);
            out.push_str("| case | payload | description |\n|---|---|---|\n");
            for c in &v.cases {
                let payload =
                    c.ty.as_ref()
                        .map(|t| format!("`{}`", type_name(resolve, t)))
                        .unwrap_or_default();
                let _ = writeln!(out, "| `{}` | {payload} | {} |", c.name, docs_cell(&c.docs));
            }
            out.push('\n');
        }
        TypeDefKind::Enum(e) => {
            let _ = writeln!(out, "#### `enum {name}`\n");
            out.push_str(&docs);
            out.push_str("| case | description |\n|---|---|\n");
            for c in &e.cases {
                let _ = writeln!(out, "| `{}` | {} |", c.name, docs_cell(&c.docs));
            }
            out.push('\n');
        }
        TypeDefKind::Flags(f) => {
            let _ = writeln!(out, "#### `flags {name}`\n");
            out.push_str(&docs);
            out.push_str("| flag | description |\n|---|---|\n");
            for flag in &f.flags {
                let _ = writeln!(out, "| `{}` | {} |", flag.name, docs_cell(&flag.docs));
            }
            out.push('\n');
        }
        TypeDefKind::Resource => {
            let _ = writeln!(out, "#### `resource {name}`\n");
            out.push_str(&docs);
            for func in functions
                .iter()
                .copied()
                .filter(|f| resource_of(f) == Some(id))
            {
                write_function(out, resolve, func, "#####");
            }
        }
        TypeDefKind::Type(Type::Id(target)) if is_use(resolve, id, *target) => {
            let origin = match resolve.types[*target].owner {
                TypeOwner::Interface(i) => resolve.id_of(i).unwrap_or_default(),
                _ => String::new(),
            };
            let _ = writeln!(out, "#### `use {origin}.{{{name}}}`\n");
            out.push_str(&docs);
        }
        _ => {
            let _ = writeln!(
                out,
                "#### `type {name} = {}`\n",
                kind_text(resolve, &def.kind)
            );
            out.push_str(&docs);
        }
    }
}

/// `use iface.{name}` shows up as an alias with the same name owned by another interface.
fn is_use(resolve: &Resolve, alias: TypeId, target: TypeId) -> bool {
    let (a, t) = (&resolve.types[alias], &resolve.types[target]);
    a.name.is_some() && a.name == t.name && a.owner != t.owner
}
