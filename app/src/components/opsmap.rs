//! The operators' map: Leaflet with marker clusters and a bundled offline basemap, driven
//! through `window.VigilMap` (`public/js/opsmap.js`). The scripts are loaded on first use,
//! so pages without a map never download them. On the server every call is a no-op.

use serde::Serialize;

/// Stylesheets of the map, in order.
pub const STYLES: [&str; 4] = [
    "/vendor/leaflet/leaflet.css",
    "/vendor/markercluster/MarkerCluster.css",
    "/vendor/markercluster/MarkerCluster.Default.css",
    "/js/opsmap.css",
];
/// Scripts of the map, in the order they must run.
pub const SCRIPTS: [&str; 3] =
    ["/vendor/leaflet/leaflet.js", "/vendor/markercluster/leaflet.markercluster.js", "/js/opsmap.js"];

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = VigilMap, js_name = init)]
        pub fn init(id: &str, opts: &JsValue);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = setSites)]
        pub fn set_sites(list: &JsValue);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = updateSite)]
        pub fn update_site(site: &JsValue);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = setIncidents)]
        pub fn set_incidents(list: &JsValue);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = updateIncident)]
        pub fn update_incident(inc: &JsValue);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = setCrews)]
        pub fn set_crews(list: &JsValue);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = updateCrew)]
        pub fn update_crew(crew: &JsValue);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = focus)]
        pub fn focus(lat: f64, lon: f64, zoom: f64);
        #[wasm_bindgen(js_namespace = VigilMap, js_name = destroy)]
        pub fn destroy();
        #[wasm_bindgen(js_namespace = VigilMap, js_name = pick)]
        pub fn pick(lat: f64, lon: f64, on_pick: &JsValue);
    }
}

#[cfg(feature = "hydrate")]
fn to_js<T: Serialize>(value: &T) -> wasm_bindgen::JsValue {
    serde_json::to_string(value).ok().and_then(|s| js_sys::JSON::parse(&s).ok()).unwrap_or(wasm_bindgen::JsValue::NULL)
}

/// Loads the map's styles and scripts once (in order), then runs `ready`.
pub fn load(ready: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast};
        let loaded = js_sys::Reflect::get(&leptos::prelude::window(), &"VigilMap".into())
            .map(|v| !v.is_undefined())
            .unwrap_or(false);
        if loaded {
            ready();
            return;
        }
        let document = leptos::prelude::document();
        let Some(head) = document.head() else { return };
        for href in STYLES {
            if let Ok(link) = document.create_element("link") {
                let _ = link.set_attribute("rel", "stylesheet");
                let _ = link.set_attribute("href", href);
                let _ = head.append_child(&link);
            }
        }
        let mut ready = Some(ready);
        for (n, src) in SCRIPTS.iter().enumerate() {
            let Ok(el) = document.create_element("script") else { return };
            let script: web_sys::HtmlScriptElement = el.unchecked_into();
            script.set_src(src);
            // Inserted scripts run in insertion order when not async.
            script.set_async(false);
            if n == SCRIPTS.len() - 1 {
                let cb = ready.take();
                let onload = Closure::once_into_js(move || {
                    if let Some(cb) = cb {
                        cb();
                    }
                });
                script.set_onload(Some(onload.unchecked_ref()));
            }
            let _ = head.append_child(&script);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ready;
}

/// Map options for `VigilMap.init`.
#[cfg(feature = "hydrate")]
#[derive(Serialize)]
struct InitOptions<'a> {
    #[serde(rename = "tileUrl")]
    tile_url: &'a str,
    attribution: &'a str,
    center: [f64; 2],
    zoom: u8,
    #[serde(rename = "basemapUrl")]
    basemap_url: &'a str,
    legend: &'a str,
    /// The legend's and tooltips' words in the page's language.
    words: std::collections::HashMap<&'static str, &'static str>,
}

/// The map's words in the page's language (`VigilMap`'s `opts.words`).
#[cfg(feature = "hydrate")]
fn words() -> std::collections::HashMap<&'static str, &'static str> {
    use crate::tx;
    [
        ("show_hide", tx!(staff.map.show_hide)),
        ("legend", tx!(staff.map.legend)),
        ("sites", tx!(staff.map.sites)),
        ("alarm", tx!(staff.map.alarm)),
        ("trouble", tx!(staff.map.trouble)),
        ("test", tx!(staff.map.test)),
        ("armed", tx!(staff.map.armed)),
        ("night", tx!(staff.map.night)),
        ("disarmed", tx!(staff.map.disarmed)),
        ("suspended", tx!(staff.map.suspended)),
        ("unknown", tx!(staff.map.unknown)),
        ("incidents", tx!(staff.map.incidents)),
        ("crews", tx!(staff.map.crews)),
        ("available", tx!(staff.crew_status.available)),
        ("dispatched", tx!(staff.crew_status.dispatched)),
        ("en_route", tx!(staff.crew_status.en_route)),
        ("on_site", tx!(staff.crew_status.on_site)),
        ("returning", tx!(staff.crew_status.returning)),
        ("off", tx!(staff.crew_status.off)),
        ("off_shift", tx!(staff.crew_status.off)),
    ]
    .into_iter()
    .collect()
}

/// Creates the map in the element with id `element_id`; `on_select(kind, id)` runs when a
/// marker is clicked (`site`, `incident`, `crew`).
pub fn init(
    element_id: &str,
    map: &crate::model::ops::MapConfig,
    legend: bool,
    on_select: impl Fn(String, i64) + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsValue};
        let opts = to_js(&InitOptions {
            tile_url: &map.tile_url,
            attribution: &map.attribution,
            center: [map.center.0, map.center.1],
            zoom: map.zoom,
            basemap_url: "/basemap/region.geojson",
            legend: if legend { "collapsed" } else { "false" },
            words: words(),
        });
        let select = Closure::<dyn Fn(String, JsValue)>::new(move |kind: String, id: JsValue| {
            if let Some(id) = id.as_f64() {
                on_select(kind, id as i64);
            }
        });
        let _ = js_sys::Reflect::set(&opts, &"onSelect".into(), select.as_ref());
        if !legend {
            let _ = js_sys::Reflect::set(&opts, &"legend".into(), &JsValue::FALSE);
        }
        select.forget();
        js::init(element_id, &opts);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (element_id, map, legend, on_select);
}

/// Shows a draggable pin at `lat, lon` (none at 0, 0) and reports every move, by drag or by
/// a click on the map, to `on_pick(lat, lon)`.
pub fn pick(lat: f64, lon: f64, on_pick: impl Fn(f64, f64) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        let cb = Closure::<dyn Fn(f64, f64)>::new(on_pick);
        js::pick(lat, lon, cb.as_ref());
        cb.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (lat, lon, on_pick);
}

/// Replaces every site marker.
pub fn set_sites<T: Serialize>(sites: &[T]) {
    #[cfg(feature = "hydrate")]
    js::set_sites(&to_js(&sites));
    #[cfg(not(feature = "hydrate"))]
    let _ = sites;
}

/// Updates (or adds) one site marker.
pub fn update_site<T: Serialize>(site: &T) {
    #[cfg(feature = "hydrate")]
    js::update_site(&to_js(site));
    #[cfg(not(feature = "hydrate"))]
    let _ = site;
}

/// Replaces every incident marker.
pub fn set_incidents<T: Serialize>(incidents: &[T]) {
    #[cfg(feature = "hydrate")]
    js::set_incidents(&to_js(&incidents));
    #[cfg(not(feature = "hydrate"))]
    let _ = incidents;
}

/// Updates, adds or (when closed) removes one incident marker.
pub fn update_incident<T: Serialize>(incident: &T) {
    #[cfg(feature = "hydrate")]
    js::update_incident(&to_js(incident));
    #[cfg(not(feature = "hydrate"))]
    let _ = incident;
}

/// Replaces every crew marker.
pub fn set_crews<T: Serialize>(crews: &[T]) {
    #[cfg(feature = "hydrate")]
    js::set_crews(&to_js(&crews));
    #[cfg(not(feature = "hydrate"))]
    let _ = crews;
}

/// Moves or restyles one crew marker.
pub fn update_crew<T: Serialize>(crew: &T) {
    #[cfg(feature = "hydrate")]
    js::update_crew(&to_js(crew));
    #[cfg(not(feature = "hydrate"))]
    let _ = crew;
}

/// Centres the map.
pub fn focus(lat: f64, lon: f64, zoom: u8) {
    #[cfg(feature = "hydrate")]
    js::focus(lat, lon, f64::from(zoom));
    #[cfg(not(feature = "hydrate"))]
    let _ = (lat, lon, zoom);
}

/// Removes the map (leaving the page).
pub fn destroy() {
    #[cfg(feature = "hydrate")]
    {
        let loaded = js_sys::Reflect::get(&leptos::prelude::window(), &"VigilMap".into())
            .map(|v| !v.is_undefined())
            .unwrap_or(false);
        if loaded {
            js::destroy();
        }
    }
}
