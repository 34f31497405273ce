//! The top bar: product name, who is signed in, sign-out.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::Logout;
use crate::model::SessionUser;

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
            <span class="who" data-testid="who">{user.display_name}" · "{user.role.as_str()}</span>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="link">"Sign out"</button>
            </ActionForm>
        </header>
    }
}
