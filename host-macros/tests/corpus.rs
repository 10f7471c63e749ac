//! The generator's WIT corpus through `bindgen!`: every world's host glue must compile and link
//! on both engines (the corpus together uses every WIT type and feature the host backend
//! supports: keywords, `use` across packages, two versions of one package, resources both
//! ways).

#[allow(clippy::all)]
mod types {
    embwit_host_macros::bindgen!({ path: "../generator/tests/wit/corpus/types", world: "all-types" });
}
#[allow(clippy::all)]
mod keywords {
    embwit_host_macros::bindgen!({ path: "../generator/tests/wit/corpus/keywords", world: "world" });
}
#[allow(clippy::all)]
mod multi_package {
    embwit_host_macros::bindgen!({ path: "../generator/tests/wit/corpus/multi-package", world: "station" });
}
#[allow(clippy::all)]
mod resources {
    embwit_host_macros::bindgen!({ path: "../generator/tests/wit/corpus/resources", world: "resources" });
}
#[allow(clippy::all)]
mod versions {
    embwit_host_macros::bindgen!({ path: "../generator/tests/wit/corpus/versions", world: "both" });
}

/// Registers `add` on a wasmi and an embwit-runtime linker whose store data is `T`.
fn links<T: 'static>(
    add_wasmi: impl Fn(&mut wasmi::Linker<embwit_host::wasmi::State<T>>),
    add_embwit: impl Fn(&mut embwit_runtime::Linker<embwit_host::embwit_runtime::State<T>>),
) {
    let engine = wasmi::Engine::default();
    add_wasmi(&mut wasmi::Linker::new(&engine));
    let engine = embwit_runtime::Engine::new(&embwit_runtime::Config::default());
    add_embwit(&mut embwit_runtime::Linker::new(&engine));
}

#[test]
fn guest_defined_resources_link() {
    // Only the export side: a world whose imports need a host implementation is checked by
    // compiling its module above; `resources` also exports guest-defined resources, whose
    // intrinsics need no host state.
    links::<()>(
        |l| resources::exports::corpus::resources::counters::add_to_linker(l).unwrap(),
        |l| resources::exports::corpus::resources::counters::add_to_linker(l).unwrap(),
    );
}
