//! The customer app's calls into `window.VigilApp` (`public/js/vigil-app.js`): the phone's
//! position, Web Push subscription, and the last known state kept for offline use. On the
//! server every call is a no-op.

use serde::de::DeserializeOwned;
use serde::Serialize;

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = subscribePush)]
        pub fn subscribe_push(key: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = position)]
        pub fn position(timeout_ms: u32) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = save)]
        pub fn save(key: &str, json: &str) -> Result<(), JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = load)]
        pub fn load(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = forget)]
        pub fn forget() -> Result<(), JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = alarm)]
        pub fn alarm(priority: u8, login: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = muted)]
        pub fn muted(login: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = setMuted)]
        pub fn set_muted(login: &str, on: bool) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_namespace = VigilApp, js_name = sendPhoto)]
        pub fn send_photo(input_id: &str) -> Result<js_sys::Promise, JsValue>;
    }
}

/// Keeps `value` under `key` for offline use.
pub fn save<T: Serialize>(key: &str, value: &T) {
    #[cfg(feature = "hydrate")]
    if let Ok(json) = serde_json::to_string(value) {
        let _ = js::save(key, &json);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// The value kept under `key` and when it was kept (unix ms).
pub fn load<T: DeserializeOwned>(key: &str) -> Option<(T, f64)> {
    #[cfg(feature = "hydrate")]
    {
        let kept = js::load(key).ok().filter(|v| v.is_object())?;
        let get = |k: &str| js_sys::Reflect::get(&kept, &k.into()).ok();
        let at = get("at")?.as_f64()?;
        let json = get("json")?.as_string()?;
        serde_json::from_str(&json).ok().map(|v| (v, at))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Sounds the alarm tone for a new incident of `priority` (unless `login` muted it here).
pub fn alarm(priority: u8, login: &str) {
    #[cfg(feature = "hydrate")]
    let _ = js::alarm(priority, login);
    #[cfg(not(feature = "hydrate"))]
    let _ = (priority, login);
}

/// Whether `login` muted the alarm tone in this browser.
pub fn muted(login: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::muted(login).ok().and_then(|v| v.as_bool()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = login;
        false
    }
}

/// Mutes or unmutes the alarm tone for `login` in this browser.
pub fn set_muted(login: &str, on: bool) {
    #[cfg(feature = "hydrate")]
    let _ = js::set_muted(login, on);
    #[cfg(not(feature = "hydrate"))]
    let _ = (login, on);
}

/// Forgets everything kept (sign-out).
pub fn forget() {
    #[cfg(feature = "hydrate")]
    let _ = js::forget();
}

/// Sends the photo chosen in the file input `input_id` for the crew's job: `Ok(None)` when
/// none was chosen, the kept photo's id, or why not.
pub async fn send_photo(input_id: &str) -> Result<Option<i64>, String> {
    #[cfg(feature = "hydrate")]
    {
        let promise = js::send_photo(input_id).map_err(|_| "The page's helper is missing: reload it.".to_owned())?;
        let answer = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|_| "The photo could not be sent.".to_owned())?;
        if !answer.is_object() {
            return Ok(None);
        }
        let get = |k: &str| js_sys::Reflect::get(&answer, &k.into()).ok();
        match (get("photo_id").and_then(|v| v.as_f64()), get("error").and_then(|v| v.as_string())) {
            (Some(id), _) => Ok(Some(id as i64)),
            (None, Some(e)) => Err(e),
            (None, None) => Err("The photo could not be sent.".into()),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input_id;
        Ok(None)
    }
}

/// The phone's position, if the customer allows it and it is found within `timeout_ms`.
pub async fn position(timeout_ms: u32) -> Option<(f64, f64)> {
    #[cfg(feature = "hydrate")]
    {
        let promise = js::position(timeout_ms).ok()?;
        let fix = wasm_bindgen_futures::JsFuture::from(promise).await.ok().filter(|v| v.is_object())?;
        let get = |k: &str| js_sys::Reflect::get(&fix, &k.into()).ok().and_then(|v| v.as_f64());
        get("lat").zip(get("lon"))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = timeout_ms;
        None
    }
}

/// Subscribes this browser to Web Push: the subscription's (endpoint, p256dh, auth), or why
/// not (`unsupported`, `denied`, ...).
pub async fn subscribe_push(vapid_key: &str) -> Result<(String, String, String), String> {
    #[cfg(feature = "hydrate")]
    {
        let promise = js::subscribe_push(vapid_key).map_err(|e| format!("{e:?}"))?;
        let text = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))?;
        let v: serde_json::Value =
            serde_json::from_str(&text.as_string().unwrap_or_default()).map_err(|e| e.to_string())?;
        let s = |p: &str| v.pointer(p).and_then(|x| x.as_str()).map(str::to_owned).ok_or_else(|| format!("no {p}"));
        Ok((s("/endpoint")?, s("/keys/p256dh")?, s("/keys/auth")?))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = vapid_key;
        Err("unsupported".into())
    }
}
