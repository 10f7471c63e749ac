//! `bindgen!`: host glue for an embwit world, generated at compile time.
//!
//! ```ignore
//! embwit_host_macros::bindgen!({ path: "wit", world: "embwit:applet/blinky" });
//! ```
//!
//! expands to exactly what `embwit gen --lang host` writes (both call
//! `embwit_gen::codegen::host::generate_world`): `no_std` + `alloc` code that needs only the
//! `embwit-host` crate. `path` is relative to the invoking crate's `CARGO_MANIFEST_DIR`. Every
//! WIT file read is referenced with `include_bytes!`, so cargo rebuilds when one changes.

use std::path::PathBuf;

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token, braced};

struct Input {
    path: LitStr,
    world: LitStr,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let content;
        braced!(content in input);
        let mut path = None;
        let mut world = None;
        while !content.is_empty() {
            let key: Ident = content.parse()?;
            content.parse::<Token![:]>()?;
            let value: LitStr = content.parse()?;
            match key.to_string().as_str() {
                "path" if path.is_none() => path = Some(value),
                "world" if world.is_none() => world = Some(value),
                "path" | "world" => {
                    return Err(syn::Error::new(key.span(), format!("`{key}` given twice")));
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown key `{key}`: expected `path` or `world`"),
                    ));
                }
            }
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        if !input.is_empty() {
            return Err(input.error("expected a single `{ path: ..., world: ... }`"));
        }
        let path = path.ok_or_else(|| syn::Error::new(Span::call_site(), "missing `path`"))?;
        let world = world.ok_or_else(|| syn::Error::new(Span::call_site(), "missing `world`"))?;
        Ok(Input { path, world })
    }
}

/// Generates host glue for a WIT world. See the crate docs.
#[proc_macro]
pub fn bindgen(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as Input);
    match expand(&input) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &Input) -> syn::Result<proc_macro2::TokenStream> {
    let fail = |span: Span, msg: String| syn::Error::new(span, msg);
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = PathBuf::from(manifest).join(input.path.value());
    let loaded = embwit_gen::load::load_dir(&root)
        .map_err(|e| fail(input.path.span(), format!("{}: {e}", root.display())))?;
    let world = embwit_gen::load::find_world(&loaded.resolve, &input.world.value())
        .map_err(|e| fail(input.world.span(), e.to_string()))?;
    let (_, code) = embwit_gen::codegen::host::generate_world(&loaded.resolve, world)
        .map_err(|e| fail(input.world.span(), format!("{e:#}")))?;
    let code: proc_macro2::TokenStream = code.parse().map_err(|e| {
        fail(
            Span::call_site(),
            format!("internal error: generated code: {e}"),
        )
    })?;
    let tracked = loaded.files.iter().filter_map(|f| {
        let f = f.canonicalize().ok()?;
        let s = f.to_str()?.to_string();
        Some(quote! { const _: &[u8] = include_bytes!(#s); })
    });
    Ok(quote! {
        #(#tracked)*
        #code
    })
}
