//! `embwit worlds`: what each world imports and exports, for a quick look at what an applet may use.

use std::fmt::Write;

use wit_parser::{Resolve, WorldId, WorldItem, WorldKey};

use crate::load::qualified_world_name;

/// One world's listing: its qualified name, then its imports and exports, one per line.
pub fn describe(resolve: &Resolve, id: WorldId) -> String {
    let world = &resolve.worlds[id];
    let mut out = String::new();
    let _ = writeln!(out, "{}", qualified_world_name(resolve, id));
    for (label, items) in [("imports", &world.imports), ("exports", &world.exports)] {
        if items.is_empty() {
            let _ = writeln!(out, "  {label}: (none)");
            continue;
        }
        let _ = writeln!(out, "  {label}:");
        for (key, item) in items {
            let _ = writeln!(out, "    {}", item_line(resolve, key, item));
        }
    }
    out
}

/// Every world of the given packages, in package order.
pub fn describe_all(resolve: &Resolve, packages: &[wit_parser::PackageId]) -> String {
    let mut out = String::new();
    for pkg in packages {
        for id in resolve.packages[*pkg].worlds.values() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&describe(resolve, *id));
        }
    }
    out
}

fn item_line(resolve: &Resolve, key: &WorldKey, item: &WorldItem) -> String {
    match item {
        WorldItem::Interface { .. } => format!("interface {}", resolve.name_world_key(key)),
        WorldItem::Function(f) => format!("func {}", crate::wit_text::signature(resolve, f)),
        WorldItem::Type { id, .. } => {
            format!(
                "type {}",
                crate::wit_text::type_name(resolve, &wit_parser::Type::Id(*id))
            )
        }
    }
}
