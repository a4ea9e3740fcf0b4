"""The Content-Security-Policy, in one place: the dev server and _headers send it as a header,
and a test holds public/index.html's meta tag to the same text.

Everything comes from the site's own origin. 'wasm-unsafe-eval' is what compiling onnxruntime's
WebAssembly needs (no JS eval is allowed); blob: carries results the page made itself (previews,
downloads), never anything from the network.
"""

DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "connect-src 'self' blob:",
    "img-src 'self' blob: data:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
)

# As a <meta> tag (frame-ancestors is ignored there, so it is only in the header).
META_POLICY = "; ".join(DIRECTIVES)
HEADER_POLICY = META_POLICY + "; frame-ancestors 'none'"
