//! Compatibility with the standard component model: a Rust guest built on embwit's generated
//! bindings for world `corpus:types/all-types` (`tests/wit/corpus/types`), made into a component
//! with `wit-component`, runs on wasmtime's component model.
//!
//! The host calls every export with known values and checks the results (the guest echoes or
//! transforms them in documented ways), then calls `run`, in which the guest calls every import
//! and checks the host's answers. The host records which imports were called.

mod toolchains;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, Store};

wasmtime::component::bindgen!({
    path: "tests/wit/corpus/types",
    world: "all-types",
    additional_derives: [PartialEq],
});

use corpus::types::{aliases, compound, limits, scalars};
use exports::corpus::types::compound as ecompound;

/// Host state: the imports called so far.
#[derive(Default)]
struct Host {
    called: BTreeSet<&'static str>,
}

impl Host {
    fn hit(&mut self, name: &'static str) {
        self.called.insert(name);
    }
}

impl AllTypesImports for Host {
    fn next_id(&mut self) -> u32 {
        self.hit("next-id");
        42
    }
}

impl scalars::Host for Host {
    fn roundtrip_bool(&mut self, x: bool) -> bool {
        self.hit("bool");
        x
    }
    fn roundtrip_u8(&mut self, x: u8) -> u8 {
        self.hit("u8");
        x
    }
    fn roundtrip_s8(&mut self, x: i8) -> i8 {
        self.hit("s8");
        x
    }
    fn roundtrip_u16(&mut self, x: u16) -> u16 {
        self.hit("u16");
        x
    }
    fn roundtrip_s16(&mut self, x: i16) -> i16 {
        self.hit("s16");
        x
    }
    fn roundtrip_u32(&mut self, x: u32) -> u32 {
        self.hit("u32");
        x
    }
    fn roundtrip_s32(&mut self, x: i32) -> i32 {
        self.hit("s32");
        x
    }
    fn roundtrip_u64(&mut self, x: u64) -> u64 {
        self.hit("u64");
        x
    }
    fn roundtrip_s64(&mut self, x: i64) -> i64 {
        self.hit("s64");
        x
    }
    fn roundtrip_f32(&mut self, x: f32) -> f32 {
        self.hit("f32");
        x
    }
    fn roundtrip_f64(&mut self, x: f64) -> f64 {
        self.hit("f64");
        x
    }
    fn roundtrip_char(&mut self, x: char) -> char {
        self.hit("char");
        x
    }
    fn roundtrip_string(&mut self, x: String) -> String {
        self.hit("string");
        x
    }
}

impl compound::Host for Host {
    fn roundtrip_point(&mut self, p: compound::Point) -> compound::Point {
        self.hit("point");
        p
    }
    fn roundtrip_shape(&mut self, s: compound::Shape) -> compound::Shape {
        self.hit("shape");
        s
    }
    fn roundtrip_value(&mut self, v: compound::Value) -> compound::Value {
        self.hit("value");
        v
    }
    fn roundtrip_values(&mut self, v: Vec<compound::Value>) -> Vec<compound::Value> {
        self.hit("values");
        v
    }
    fn roundtrip_color(&mut self, c: compound::Color) -> compound::Color {
        self.hit("color");
        c
    }
    fn roundtrip_flags(
        &mut self,
        a: compound::SmallFlags,
        b: compound::MidFlags,
        c: compound::WideFlags,
    ) -> (
        compound::SmallFlags,
        compound::MidFlags,
        compound::WideFlags,
    ) {
        self.hit("flags");
        (a, b, c)
    }
    fn roundtrip_nested(&mut self, n: compound::Nested) -> compound::Nested {
        self.hit("nested");
        n
    }
    fn roundtrip_option(&mut self, o: Option<Option<String>>) -> Option<Option<String>> {
        self.hit("option");
        o
    }
    fn results(
        &mut self,
        which: u8,
    ) -> (
        Result<(), ()>,
        Result<u32, ()>,
        Result<(), String>,
        Result<String, compound::Failure>,
    ) {
        self.hit("results");
        if which == 0 {
            (Ok(()), Ok(0), Ok(()), Ok("zero".into()))
        } else {
            (
                Ok(()),
                Err(()),
                Ok(()),
                Err(compound::Failure::TooBig(u32::from(which))),
            )
        }
    }
    fn check(&mut self, x: u32) -> Result<u32, compound::Failure> {
        self.hit("check");
        if x < 100 {
            Ok(x)
        } else {
            Err(compound::Failure::TooBig(x))
        }
    }
    fn bytes(&mut self, b: Vec<u8>) -> Vec<u8> {
        self.hit("bytes");
        b
    }
    fn numbers(&mut self, a: Vec<i16>, b: Vec<u64>, c: Vec<f32>) -> Vec<i64> {
        self.hit("numbers");
        let mut out = vec![a.len() as i64];
        out.extend(a.into_iter().map(i64::from));
        out.extend(b.into_iter().map(|x| x as i64));
        out.extend(c.into_iter().map(|x| x as i64));
        out
    }
    fn chars(&mut self, c: Vec<char>) -> Vec<char> {
        self.hit("chars");
        c
    }
    fn bools(&mut self, b: Vec<bool>) -> Vec<bool> {
        self.hit("bools");
        b
    }
    fn strings(&mut self, s: Vec<String>) -> Vec<String> {
        self.hit("strings");
        s
    }
}

impl limits::Host for Host {
    fn many_params(
        &mut self,
        a1: u8,
        a2: u16,
        a3: u32,
        a4: u64,
        a5: i8,
        a6: i16,
        a7: i32,
        a8: i64,
        a9: f32,
        a10: f64,
        a11: char,
        a12: bool,
        a13: String,
        a14: compound::Point,
        a15: u32,
    ) -> u64 {
        self.hit("many-params");
        // The guest passes exactly these; anything else is a lowering bug.
        assert_eq!((a5, a6, a7, a8), (-5, -6, -7, -8));
        assert_eq!((a9, a10, a11, a12), (9.5, 10.5, 'k', true));
        u64::from(a1)
            + u64::from(a2)
            + u64::from(a3)
            + a4
            + a14.x as u64
            + u64::from(a15)
            + a13.len() as u64
    }
    fn sixteen(
        &mut self,
        a: u32,
        b: u32,
        c: u32,
        d: u32,
        e: u32,
        f: u32,
        g: u32,
        h: u32,
        i: u32,
        j: u32,
        k: u32,
        l: u32,
        m: u32,
        n: u32,
        o: u32,
        p: u32,
    ) -> u32 {
        self.hit("sixteen");
        [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]
            .iter()
            .sum()
    }
    fn multi(&mut self) -> (u8, String, compound::Point, Vec<u32>, f64) {
        self.hit("multi");
        (
            7,
            "multi".into(),
            compound::Point { x: 1, y: 2 },
            vec![3, 4, 5],
            6.5,
        )
    }
    fn nothing(&mut self) {
        self.hit("nothing");
    }
}

impl aliases::Host for Host {
    fn length(&mut self, p: Vec<compound::Point>) -> f64 {
        self.hit("length");
        p.windows(2)
            .map(|w| f64::from(w[1].x - w[0].x).hypot(f64::from(w[1].y - w[0].y)))
            .sum()
    }
    fn paint(&mut self, c: Option<compound::Color>) -> compound::Color {
        self.hit("paint");
        c.unwrap_or(compound::Color::Red)
    }
}

/// Builds a guest crate of `tests/` (`guest`) with freshly generated bindings for `world` of
/// corpus case `case` beside its `lib.rs`, and makes the module a component.
fn guest_component(case: &str, world: &str, guest: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = embwit_gen::load::load_dir(&root.join("tests/wit/corpus").join(case)).unwrap();
    let world = embwit_gen::load::find_world(&loaded.resolve, world).unwrap();
    let files =
        embwit_gen::codegen::generate(&loaded.resolve, world, embwit_gen::codegen::Lang::Rust)
            .unwrap();

    // A copy of the guest crate (so the source tree stays clean) with the bindings added.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let krate = tmp.join(guest);
    std::fs::create_dir_all(krate.join("src")).unwrap();
    let source = root.join("tests").join(guest);
    let sdk = root.join("../guest-sdks/rust").canonicalize().unwrap();
    let manifest = std::fs::read_to_string(source.join("Cargo.toml"))
        .unwrap()
        .replace("../../../guest-sdks/rust", sdk.to_str().unwrap());
    let package = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("the guest manifest names its package")
        .replace('-', "_");
    std::fs::write(krate.join("Cargo.toml"), &manifest).unwrap();
    std::fs::copy(source.join("src/lib.rs"), krate.join("src/lib.rs")).unwrap();
    for (path, contents) in files.iter() {
        std::fs::write(krate.join("src").join(path), contents).unwrap();
    }

    let target_dir = tmp.join("embwit-guests");
    let mut cmd = toolchains::nested_cargo();
    cmd.args([
        "build",
        "--quiet",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ])
    .arg("--manifest-path")
    .arg(krate.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(&target_dir);
    assert!(cmd.status().unwrap().success(), "building {guest} failed");
    let module =
        std::fs::read(target_dir.join(format!("wasm32-unknown-unknown/release/{package}.wasm")))
            .unwrap();
    wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)
        .unwrap()
        .encode()
        .expect("wit-component accepts the embwit guest")
}

#[test]
fn embwit_guest_runs_on_wasmtime_component_model() -> wasmtime::Result<()> {
    let component_bytes = guest_component("types", "all-types", "wasmtime-guest");
    let mut config = Config::new();
    config.wasm_component_model(true);
    let engine = Engine::new(&config)?;
    let component = Component::new(&engine, &component_bytes)?;
    let mut linker = Linker::<Host>::new(&engine);
    AllTypes::add_to_linker::<_, HasSelf<_>>(&mut linker, |h| h)?;
    let mut store = Store::new(&engine, Host::default());
    let w = AllTypes::instantiate(&mut store, &component, &linker)?;

    // Host -> guest: every export.
    let s = w.corpus_types_scalars();
    assert!(s.call_roundtrip_bool(&mut store, true)?);
    assert!(!s.call_roundtrip_bool(&mut store, false)?);
    assert_eq!(s.call_roundtrip_u8(&mut store, 255)?, 255);
    assert_eq!(s.call_roundtrip_s8(&mut store, -128)?, -128);
    assert_eq!(s.call_roundtrip_u16(&mut store, 65535)?, 65535);
    assert_eq!(s.call_roundtrip_s16(&mut store, -32768)?, -32768);
    assert_eq!(s.call_roundtrip_u32(&mut store, u32::MAX)?, u32::MAX);
    assert_eq!(s.call_roundtrip_s32(&mut store, i32::MIN)?, i32::MIN);
    assert_eq!(s.call_roundtrip_u64(&mut store, u64::MAX)?, u64::MAX);
    assert_eq!(s.call_roundtrip_s64(&mut store, i64::MIN)?, i64::MIN);
    assert_eq!(s.call_roundtrip_f32(&mut store, 1.25)?, 1.25);
    assert_eq!(s.call_roundtrip_f64(&mut store, -0.1)?, -0.1);
    assert_eq!(
        s.call_roundtrip_char(&mut store, '\u{10FFFF}')?,
        '\u{10FFFF}'
    );
    assert_eq!(s.call_roundtrip_string(&mut store, "")?, "");
    assert_eq!(
        s.call_roundtrip_string(&mut store, "ünïcödé ✓")?,
        "ünïcödé ✓"
    );
    let mib = "é".repeat(1 << 19);
    assert_eq!(s.call_roundtrip_string(&mut store, &mib)?, mib);

    let c = w.corpus_types_compound();
    let p = ecompound::Point { x: i32::MIN, y: 7 };
    assert_eq!(c.call_roundtrip_point(&mut store, p)?, p);
    let shape = ecompound::Shape {
        name: "square".into(),
        outline: vec![
            ecompound::Point { x: 0, y: 0 },
            ecompound::Point { x: 2, y: 2 },
        ],
        center: None,
        tags: vec!["x".into(), String::new()],
        weights: vec![1.0, f64::MAX],
    };
    assert_eq!(c.call_roundtrip_shape(&mut store, &shape)?, shape);
    let values = vec![
        ecompound::Value::None,
        ecompound::Value::Small(1),
        ecompound::Value::Big(1 << 40),
        ecompound::Value::Real(-3.5),
        ecompound::Value::Double(1e-300),
        ecompound::Value::Text("t".into()),
        ecompound::Value::Pair((9, 9.5)),
        ecompound::Value::Shape(shape.clone()),
    ];
    for v in &values {
        assert_eq!(&c.call_roundtrip_value(&mut store, v)?, v);
    }
    assert_eq!(c.call_roundtrip_values(&mut store, &values)?, values);
    assert_eq!(c.call_roundtrip_values(&mut store, &[])?, vec![]);
    assert_eq!(
        c.call_roundtrip_color(&mut store, ecompound::Color::Green)?,
        ecompound::Color::Green
    );
    let flags = (
        ecompound::SmallFlags::B,
        ecompound::MidFlags::F8 | ecompound::MidFlags::F1,
        ecompound::WideFlags::B0 | ecompound::WideFlags::B31,
    );
    assert_eq!(
        c.call_roundtrip_flags(&mut store, flags.0, flags.1, flags.2)?,
        flags
    );
    let nested = vec![
        Some((Err("no".to_string()), vec![vec![0u8; 3], vec![]])),
        None,
    ];
    assert_eq!(c.call_roundtrip_nested(&mut store, &nested)?, nested);
    for o in [None, Some(None), Some(Some("deep".to_string()))] {
        assert_eq!(
            c.call_roundtrip_option(&mut store, o.as_ref().map(|i| i.as_deref()))?,
            o
        );
    }
    assert_eq!(
        c.call_results(&mut store, 0)?,
        (Ok(()), Ok(0), Ok(()), Ok("zero".to_string()))
    );
    assert_eq!(
        c.call_results(&mut store, 5)?,
        (
            Err(()),
            Ok(5),
            Err("which=5".to_string()),
            Err(ecompound::Failure::BadInput("nonzero".into()))
        )
    );
    assert_eq!(c.call_check(&mut store, 0)?, Err(ecompound::Failure::Other));
    assert_eq!(c.call_check(&mut store, 7)?, Ok(14));
    assert_eq!(
        c.call_check(&mut store, 100)?,
        Err(ecompound::Failure::TooBig(100))
    );
    let big: Vec<u8> = (0..(1 << 20)).map(|i| i as u8).collect();
    let mut rev = big.clone();
    rev.reverse();
    assert_eq!(c.call_bytes(&mut store, &big)?, rev);
    assert_eq!(c.call_bytes(&mut store, &[])?, Vec::<u8>::new());
    assert_eq!(
        c.call_numbers(&mut store, &[-2, 3], &[5], &[7.9])?,
        vec![-2, 3, 5, 7]
    );
    assert_eq!(c.call_chars(&mut store, &['a', '€'])?, vec!['€', 'a']);
    assert_eq!(c.call_bools(&mut store, &[true, false])?, vec![false, true]);
    assert_eq!(
        c.call_strings(&mut store, &["ab".to_string(), String::new()])?,
        vec!["AB".to_string(), String::new()]
    );

    let l = w.corpus_types_limits();
    let got = l.call_many_params(
        &mut store,
        1,
        2,
        3,
        4,
        -5,
        -6,
        -7,
        -8,
        9.5,
        10.5,
        'k',
        true,
        "thirteen",
        ecompound::Point { x: 14, y: 14 },
        15,
    )?;
    let mut h: u64 = 1 + 2 + 3 + 4;
    h = h.wrapping_mul(31).wrapping_add((-5i64 - 6 - 7 - 8) as u64);
    h = h.wrapping_mul(31).wrapping_add(20);
    h = h.wrapping_mul(31).wrapping_add(u64::from('k') + 1);
    h = h.wrapping_mul(31).wrapping_add(8);
    h = h.wrapping_mul(31).wrapping_add(28);
    assert_eq!(got, h.wrapping_mul(31).wrapping_add(15));
    assert_eq!(
        l.call_sixteen(&mut store, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2)?,
        (1..=15).sum::<u32>() + 32
    );
    assert_eq!(
        l.call_multi(&mut store)?,
        (
            1,
            "one".to_string(),
            ecompound::Point { x: -1, y: 1 },
            vec![1, 1],
            1.0
        )
    );
    l.call_nothing(&mut store)?;

    let a = w.corpus_types_aliases();
    let path = vec![
        ecompound::Point { x: 0, y: 0 },
        ecompound::Point { x: 3, y: 4 },
        ecompound::Point { x: 3, y: 0 },
    ];
    assert!((a.call_length(&mut store, &path)? - 9.0).abs() < 1e-9);
    assert_eq!(a.call_paint(&mut store, None)?, ecompound::Color::Green);
    assert_eq!(
        a.call_paint(&mut store, Some(ecompound::Color::Blue))?,
        ecompound::Color::Blue
    );

    // Guest -> host: `run` calls every import and checks the answers.
    let args = ["one".to_string(), "two".to_string()];
    let checks = w
        .call_run(&mut store, &args)?
        .map_err(wasmtime::Error::msg)?;
    // Every `check!` in the guest's `run` (tests/wasmtime-guest/src/lib.rs) passed.
    assert_eq!(checks, 50, "the guest ran {checks} checks");
    let called = &store.data().called;
    let expected = [
        "next-id",
        "bool",
        "u8",
        "s8",
        "u16",
        "s16",
        "u32",
        "s32",
        "u64",
        "s64",
        "f32",
        "f64",
        "char",
        "string",
        "point",
        "shape",
        "value",
        "values",
        "color",
        "flags",
        "nested",
        "option",
        "results",
        "check",
        "bytes",
        "numbers",
        "chars",
        "bools",
        "strings",
        "many-params",
        "sixteen",
        "multi",
        "nothing",
        "length",
        "paint",
    ];
    for name in expected {
        assert!(called.contains(name), "import `{name}` was never called");
    }
    Ok(())
}

/// World `corpus:resources/resources`: host-defined `bucket`s used by the guest (constructor,
/// methods, static function, own/borrow parameters, borrows in a record, lists and options of
/// handles) and guest-defined `counter`s used by the host (constructor, methods, static
/// function, own and borrow handles, lists of borrows, a handle in a returned record).
mod resources_world {
    use std::collections::BTreeMap;

    use wasmtime::component::{Component, HasSelf, Linker, Resource, ResourceTable};
    use wasmtime::{Config, Engine, Result, Store};

    wasmtime::component::bindgen!({
        path: "tests/wit/corpus/resources",
        world: "resources",
        with: { "corpus:resources/store.bucket": Bucket },
        imports: { default: trappable },
    });

    use corpus::resources::store;

    /// The host's representation of a `bucket`.
    pub struct Bucket {
        name: String,
        map: BTreeMap<String, Vec<u8>>,
    }

    #[derive(Default)]
    struct Host {
        table: ResourceTable,
        /// Names of the live buckets, in creation order.
        live: Vec<(u32, String)>,
        drops: Vec<String>,
    }

    impl Host {
        fn open(&mut self, name: String) -> Result<Resource<Bucket>> {
            let r = self.table.push(Bucket {
                name: name.clone(),
                map: BTreeMap::new(),
            })?;
            self.live.push((r.rep(), name));
            Ok(r)
        }
        fn forget(&mut self, rep: u32) {
            self.live.retain(|(r, _)| *r != rep);
        }
    }

    impl store::HostBucket for Host {
        fn new(&mut self, name: String) -> Result<Resource<Bucket>> {
            self.open(name)
        }
        fn get(&mut self, b: Resource<Bucket>, key: String) -> Result<Option<Vec<u8>>> {
            assert!(!b.owned(), "methods get a borrow");
            Ok(self.table.get(&b)?.map.get(&key).cloned())
        }
        fn set(&mut self, b: Resource<Bucket>, key: String, value: Vec<u8>) -> Result<()> {
            self.table.get_mut(&b)?.map.insert(key, value);
            Ok(())
        }
        fn fork(&mut self, b: Resource<Bucket>, name: String) -> Result<Resource<Bucket>> {
            let map = self.table.get(&b)?.map.clone();
            let r = self.open(name)?;
            self.table.get_mut(&r)?.map = map;
            Ok(r)
        }
        fn list_all(&mut self) -> Result<Vec<String>> {
            Ok(self.live.iter().map(|(_, n)| n.clone()).collect())
        }
        fn merge(&mut self, b: Resource<Bucket>, other: Resource<Bucket>) -> Result<()> {
            assert!(!other.owned(), "`other` is a borrow");
            let entries = self.table.get(&other)?.map.clone();
            self.table.get_mut(&b)?.map.extend(entries);
            Ok(())
        }
        fn absorb(&mut self, _b: Resource<Bucket>, other: Resource<Bucket>) -> Result<u32> {
            assert!(other.owned(), "`other` is passed as own");
            let rep = other.rep();
            let gone = self.table.delete(other)?;
            self.forget(rep);
            self.drops.push(gone.name);
            Ok(gone.map.len() as u32)
        }
        fn drop(&mut self, b: Resource<Bucket>) -> Result<()> {
            let rep = b.rep();
            let gone = self.table.delete(b)?;
            self.forget(rep);
            self.drops.push(gone.name);
            Ok(())
        }
    }

    impl store::Host for Host {
        fn copy(&mut self, req: store::CopyRequest, into: Resource<Bucket>) -> Result<u32> {
            let mut copied = 0;
            for key in req.keys {
                if let Some(v) = self.table.get(&req.source)?.map.get(&key).cloned() {
                    self.table.get_mut(&into)?.map.insert(key, v);
                    copied += 1;
                }
            }
            Ok(copied)
        }
        fn open_many(&mut self, names: Vec<String>) -> Result<Vec<Resource<Bucket>>> {
            names.into_iter().map(|n| self.open(n)).collect()
        }
        fn maybe_open(&mut self, name: Option<String>) -> Result<Option<Resource<Bucket>>> {
            name.map(|n| self.open(n)).transpose()
        }
    }

    fn borrow(r: &Resource<Bucket>) -> Resource<Bucket> {
        Resource::new_borrow(r.rep())
    }

    #[test]
    fn embwit_guest_resources_run_on_wasmtime_component_model() -> Result<()> {
        let bytes = super::guest_component("resources", "resources", "wasmtime-guest-resources");
        let mut config = Config::new();
        config.wasm_component_model(true);
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, &bytes)?;
        let mut linker = Linker::<Host>::new(&engine);
        Resources::add_to_linker::<_, HasSelf<_>>(&mut linker, |h| h)?;
        let mut store = Store::new(&engine, Host::default());
        let w = Resources::instantiate(&mut store, &component, &linker)?;
        let c = w.corpus_resources_counters();
        let counter = c.counter();

        // Guest-defined resources, driven by the host.
        let r = counter.call_constructor(&mut store, 5)?;
        assert_eq!(counter.call_increment(&mut store, r, 3)?, 8);
        assert_eq!(counter.call_value(&mut store, r)?, 8);
        let r2 = counter.call_constructor(&mut store, 100)?;
        let sum = counter.call_sum(&mut store, r, r2)?;
        assert_eq!(counter.call_value(&mut store, sum)?, 108);
        let made = c.call_make(&mut store, 3)?;
        assert_eq!(made.len(), 3);
        assert_eq!(c.call_totals(&mut store, &made)?, 30);
        let snap = c.call_take_snapshot(&mut store, "snap", r)?;
        assert_eq!(snap.name, "snap");
        assert_eq!(counter.call_value(&mut store, snap.counter)?, 8);
        assert_eq!(c.call_take(&mut store, r2)?, 100);
        // `r2` was moved into the guest and dropped there: using it again traps.
        assert!(counter.call_value(&mut store, r2).is_err());
        let mut store = Store::new(&engine, Host::default());
        let w = Resources::instantiate(&mut store, &component, &linker)?;
        let c = w.corpus_resources_counters();
        let counter = c.counter();
        let sum = counter.call_constructor(&mut store, 108)?;

        // A host bucket lent to a guest method.
        let bucket = store.data_mut().open("saved".into())?;
        counter.call_save(&mut store, sum, borrow(&bucket), "k")?;
        assert_eq!(
            store.data().table.get(&bucket)?.map.get("k"),
            Some(&108i64.to_le_bytes().to_vec())
        );

        // The guest uses every bucket function; the digest encodes what it saw.
        let p = store.data_mut().open("p".into())?;
        store
            .data_mut()
            .table
            .get_mut(&p)?
            .map
            .insert("b".into(), b"2".to_vec());
        let q = store.data_mut().open("q".into())?;
        let digest = c.call_buckets(&mut store, &[borrow(&p), borrow(&q)])?;
        // none: 1, get("a"): 1 byte, list-all: saved p q fresh forked x y (m absorbed) = 7,
        // 2 borrowed, open-many: 2, copy: 1 of 2 keys, absorb: `m` was empty.
        assert_eq!(digest, 1_000_000 + 100_000 + 7 * 10_000 + 2_000 + 200 + 10);
        // Everything the guest opened was dropped (or absorbed) by the time the call returned.
        let live: Vec<&str> = store.data().live.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(live, ["saved", "p", "q"]);
        let mut drops = store.data().drops.clone();
        drops.sort();
        assert_eq!(drops, ["forked", "fresh", "m", "x", "y"]);
        sum.resource_drop(&mut store)?;
        Ok(())
    }
}
