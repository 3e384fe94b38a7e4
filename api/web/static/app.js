// Vetted's web app: small plain scripts that enhance server-rendered pages (each works without them).
"use strict";

// The CSRF token for a script's own requests (forms carry it as a hidden field).
function vettedCsrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}
