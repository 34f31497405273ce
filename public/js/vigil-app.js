// The customer app's browser helpers, called from the wasm side as window.VigilApp.*:
// the service worker, Web Push subscription, the phone's position, and a small store of
// the last known state for offline use.
(function () {
  "use strict";

  function b64urlToBytes(s) {
    const pad = "=".repeat((4 - (s.length % 4)) % 4);
    const bin = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }

  // The operators' alarm tone: Web Audio beeps, no sound file to fetch. A storm of new
  // incidents sounds once per 1.5 s, not once per incident.
  let audio = null;
  let lastTone = 0;

  const VigilApp = {
    /** A new incident on the operator's queue: priority 1 sounds three high beeps, 2-3 two,
     *  the rest one low beep, unless this login muted it in this browser. Browsers start
     *  sound only after a click or key on the page; before that the tone is skipped. The
     *  body's data-alarm-sounds counts tones asked for, data-alarm-played those played. */
    alarm(priority, login) {
      const body = document.body;
      body.dataset.alarmSounds = String(Number(body.dataset.alarmSounds || 0) + 1);
      const now = Date.now();
      if (VigilApp.muted(login) || now - lastTone < 1500) return false;
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return false;
      try {
        audio = audio || new Ctx();
        const beeps = priority <= 1 ? 3 : priority <= 3 ? 2 : 1;
        const freq = priority <= 1 ? 1046 : priority <= 3 ? 880 : 660;
        const play = () => {
          for (let i = 0; i < beeps; i++) {
            const t = audio.currentTime + i * 0.22;
            const osc = audio.createOscillator();
            const gain = audio.createGain();
            osc.type = "square";
            osc.frequency.value = freq;
            gain.gain.setValueAtTime(0.0001, t);
            gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
            gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.18);
            osc.connect(gain).connect(audio.destination);
            osc.start(t);
            osc.stop(t + 0.2);
          }
          body.dataset.alarmPlayed = String(Number(body.dataset.alarmPlayed || 0) + 1);
        };
        lastTone = now;
        if (audio.state === "running") play();
        else audio.resume().then(() => { if (audio.state === "running") play(); }, () => {});
        return true;
      } catch (e) {
        return false;
      }
    },

    /** Whether this login muted the alarm tone in this browser. */
    muted(login) {
      try { return localStorage.getItem("vigil.mute." + login) === "1"; } catch (e) { return false; }
    },

    /** Mutes or unmutes the alarm tone for this login in this browser. */
    setMuted(login, on) {
      try { localStorage.setItem("vigil.mute." + login, on ? "1" : "0"); } catch (e) { /* private mode */ }
    },

    /** Registers /sw.js (scope /) once; resolves to true when a worker is active. */
    registerWorker() {
      if (!("serviceWorker" in navigator)) return Promise.resolve(false);
      return navigator.serviceWorker
        .register("/sw.js", { scope: "/" })
        .then(() => navigator.serviceWorker.ready)
        .then(() => true, () => false);
    },

    /** Subscribes this browser to Web Push with the server's VAPID key; resolves to the
     *  subscription as JSON text, rejects with a reason. */
    subscribePush(vapidKey) {
      if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
        return Promise.reject("unsupported");
      }
      return Notification.requestPermission().then((permission) => {
        if (permission !== "granted") throw "denied";
        return navigator.serviceWorker.ready;
      }).then((reg) => reg.pushManager.getSubscription().then((old) => old ||
        reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(vapidKey) })))
        .then((sub) => JSON.stringify(sub.toJSON()));
    },

    /** The phone's position as {lat, lon}, or null when refused or not found in time. */
    position(timeoutMs) {
      return new Promise((resolve) => {
        if (!("geolocation" in navigator)) return resolve(null);
        navigator.geolocation.getCurrentPosition(
          (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude }),
          () => resolve(null),
          { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60000 },
        );
      });
    },

    /** Keeps a value (JSON text) with the time it was saved. */
    save(key, json) {
      try {
        localStorage.setItem("vigil." + key, JSON.stringify({ at: Date.now(), json }));
      } catch (_) { /* storage full or off: the app still works online */ }
    },

    /** The value kept under key as {at, json}, or null. */
    load(key) {
      try {
        const v = localStorage.getItem("vigil." + key);
        return v ? JSON.parse(v) : null;
      } catch (_) {
        return null;
      }
    },

    /** Forgets everything kept for offline use (on sign-out). */
    forget() {
      try {
        Object.keys(localStorage).filter((k) => k.startsWith("vigil.")).forEach((k) => localStorage.removeItem(k));
      } catch (_) { /* nothing kept */ }
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "signed-out" });
      }
    },

    /**
     * Sends the photo chosen in the file input `inputId` for the crew's job: a camera photo is
     * made at most 1600 px on its long side (JPEG) first, so it fits the server's 4 MB.
     * Resolves to {photo_id} or {error}; to null when no file was chosen.
     */
    sendPhoto(inputId) {
      const input = document.getElementById(inputId);
      const file = input && input.files && input.files[0];
      if (!file) return Promise.resolve(null);
      const shrink = (f) => new Promise((resolve) => {
        if (!/^image\/(jpeg|png|webp)$/.test(f.type) || f.size < 1500000) return resolve(f);
        const img = new Image();
        img.onload = () => {
          const scale = Math.min(1, 1600 / Math.max(img.width, img.height));
          const c = document.createElement("canvas");
          c.width = Math.round(img.width * scale);
          c.height = Math.round(img.height * scale);
          c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
          URL.revokeObjectURL(img.src);
          c.toBlob((b) => resolve(b || f), "image/jpeg", 0.85);
        };
        img.onerror = () => resolve(f);
        img.src = URL.createObjectURL(f);
      });
      return shrink(file)
        .then((body) => fetch("/api/v1/crew/photo", { method: "POST", body, credentials: "same-origin", headers: { "content-type": body.type || "application/octet-stream" } }))
        .then((r) => r.json().then((j) => {
          if (!r.ok) return { error: j.error || ("HTTP " + r.status) };
          input.value = ""; // sent once: the next report does not carry it again
          return { photo_id: j.photo_id };
        }, () => ({ error: r.status === 413 ? "The photo is larger than 4 MB." : "HTTP " + r.status })))
        .catch(() => ({ error: "The photo could not be sent: check the connection." }));
    },

    /** Whether the app runs installed (standalone). */
    installed() {
      return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
    },
  };

  window.VigilApp = VigilApp;
  if (/^\/app(\/|$)/.test(location.pathname)) {
    addEventListener("load", () => VigilApp.registerWorker());
  }
})();
