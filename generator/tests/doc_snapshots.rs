//! `embwit doc` output, page by page, for a fixture that has every kind of WIT item and for the
//! bundled packages. Re-bless with `INSTA_UPDATE=always cargo test -p embwit-gen --test doc_snapshots`.

use std::path::Path;

use embwit_gen::{doc, load::load_dir};

fn snapshot_pages(dir: &str, prefix: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let loaded = load_dir(&root).unwrap_or_else(|e| panic!("{e}"));
    let files = doc::render(&loaded.resolve, &loaded.packages);
    let mut count = 0;
    for (page, contents) in files.iter() {
        insta::assert_snapshot!(format!("{prefix}-{page}"), contents);
        count += 1;
    }
    assert_eq!(
        count,
        loaded.packages.len() + 1,
        "one page per package plus the index"
    );
}

#[test]
fn fixture_reference() {
    snapshot_pages("tests/wit/doc-fixture", "fixture");
}

#[test]
fn bundled_reference() {
    snapshot_pages("../wit", "wit");
}
