//! Snapshots of the host glue (`--lang host`) for the round-trip world and embwit's worlds.

use std::path::Path;

use embwit_gen::codegen::{Lang, generate};
use embwit_gen::load::{find_world, load_dir};

fn host_glue(dir: &str, world: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let loaded = load_dir(&root).unwrap_or_else(|e| panic!("{e}"));
    let id = find_world(&loaded.resolve, world).unwrap_or_else(|e| panic!("{e}"));
    let files = generate(&loaded.resolve, id, Lang::Host).unwrap_or_else(|e| panic!("{e:#}"));
    let (_, code) = files.iter().next().expect("one file");
    code.to_string()
}

#[test]
fn roundtrip_world() {
    insta::assert_snapshot!(host_glue("tests/wit/roundtrip", "roundtrip"));
}

#[test]
fn blinky_world() {
    insta::assert_snapshot!(host_glue("../wit", "embwit:applet/blinky"));
}
