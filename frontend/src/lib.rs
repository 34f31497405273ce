//! The browser entry point: hydrates the server-rendered pages.
// Release builds (without `--cfg erase_components`) name the pages' deep view types.
#![recursion_limit = "256"]

/// Called by the generated JS once the wasm module is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Warn);
    // A server function's redirect (after signing in, out, or setting up) loads the page
    // anew rather than routing in place: the server then draws it in the signed-in person's
    // language, with their session, from a clean state. Set before the router sets its own.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|to: &str| {
        let _ = leptos::prelude::window().location().set_href(to);
    });
    leptos::mount::hydrate_body(app::App);
}
