//! The top bar: product name, who is signed in, their language, sign-out.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::{set_my_language, Logout};
use crate::components::database::DatabaseBanner;
use crate::components::words::role_name;
use crate::lang::{use_lang, Lang};
use crate::model::SessionUser;
use crate::tx;

/// The top bar of a signed-in page.
#[component]
pub fn Header(user: SessionUser, title: &'static str, children: Children) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <span class="brand">"Vigil"</span>
            <span class="title">{title}</span>
            {children()}
            <span class="spacer"></span>
            <span class="who" data-testid="who">{user.display_name}" · "{role_name(user.role)}</span>
            <LanguageSelect/>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="link">{tx!(staff.header.sign_out)}</button>
            </ActionForm>
        </header>
        <DatabaseBanner/>
    }
}

/// The signed-in person's language: kept with their login, then the page is drawn again in it.
#[component]
fn LanguageSelect() -> impl IntoView {
    let current = use_lang().get_untracked();
    let choose = move |ev: leptos::ev::Event| {
        let code = event_target_value(&ev);
        leptos::task::spawn_local(async move {
            if set_my_language(code).await.is_ok() {
                #[cfg(feature = "hydrate")]
                let _ = window().location().reload();
            }
        });
    };
    view! {
        <select class="lang-select" data-testid="staff-lang" aria-label=tx!(staff.header.language) on:change=choose>
            {Lang::ALL.into_iter().map(|l| view! {
                <option value=l.code() selected=l == current>{l.name()}</option>
            }).collect_view()}
        </select>
    }
}
