//! Vigil's web app: pages, components, shared models and server functions.
//!
//! Compiled twice: with `ssr` into the server binary (rendering and server functions) and with
//! `hydrate` into the browser's wasm (interactivity).

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod i18n;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=i18n::initial().code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#10151c"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <meta name="mobile-web-app-capable" content="yes"/>
                <meta name="apple-mobile-web-app-capable" content="yes"/>
                <meta name="apple-mobile-web-app-title" content="Vigil"/>
                <meta name="apple-mobile-web-app-status-bar-style" content="black"/>
                <script src="/js/vigil-app.js" defer></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app's routes.
#[component]
pub fn App() -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::csp::set_page_policy();
    provide_meta_context();
    i18n::provide();
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/vigil.css"/>
        <Title text="Vigil"/>
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=StaticSegment("") view=pages::home::Home ssr=SsrMode::Async/>
                <Route path=StaticSegment("login") view=pages::login::LoginPage/>
                <Route path=StaticSegment("setup") view=pages::setup::SetupPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("operator") view=pages::operator::OperatorPage ssr=SsrMode::Async/>
                <ParentRoute path=StaticSegment("app") view=pages::app::CustomerApp ssr=SsrMode::Async>
                    <Route path=StaticSegment("") view=pages::app::home::Home/>
                    <Route path=StaticSegment("journal") view=pages::app::journal::Journal/>
                    <Route path=StaticSegment("contacts") view=pages::app::contacts::Contacts/>
                    <Route path=StaticSegment("schedule") view=pages::app::schedule::Schedule/>
                    <Route path=StaticSegment("more") view=pages::app::more::More/>
                </ParentRoute>
                <Route path=(StaticSegment("operator"), StaticSegment("incidents"), ParamSegment("id")) view=pages::incident::IncidentPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("operator"), StaticSegment("incidents"), ParamSegment("id"), StaticSegment("report")) view=pages::report::IncidentReport ssr=SsrMode::Async/>
                <Route path=StaticSegment("crew") view=pages::crew::CrewPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("supervisor") view=pages::supervisor::SupervisorPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("admin") view=|| view! { <pages::admin::AdminPage section=pages::admin::AdminSection::Sites/> } ssr=SsrMode::Async/>
                <Route path=(StaticSegment("admin"), StaticSegment("users")) view=|| view! { <pages::admin::AdminPage section=pages::admin::AdminSection::Users/> } ssr=SsrMode::Async/>
                <Route path=(StaticSegment("admin"), StaticSegment("crews")) view=|| view! { <pages::admin::AdminPage section=pages::admin::AdminSection::Crews/> } ssr=SsrMode::Async/>
                <Route path=(StaticSegment("admin"), StaticSegment("import")) view=|| view! { <pages::admin::AdminPage section=pages::admin::AdminSection::Import/> } ssr=SsrMode::Async/>
                <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=|| view! { <pages::admin::AdminPage section=pages::admin::AdminSection::Audit/> } ssr=SsrMode::Async/>
                <Route path=(StaticSegment("admin"), StaticSegment("monthly")) view=pages::report::MonthlyReportPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("admin"), StaticSegment("history")) view=|| view! { <pages::admin::AdminPage section=pages::admin::AdminSection::History/> } ssr=SsrMode::Async/>
                <Route path=(StaticSegment("admin"), StaticSegment("plans")) view=|| view! { <pages::admin::AdminPage section=pages::admin::AdminSection::Plans/> } ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
