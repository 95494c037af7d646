package gateway

// What one client may cost the gateway. The client is the address that connected, or the one a trusted proxy
// forwards (Options.TrustedProxies).

// forwardingHeaders are the headers a trusted proxy names the client in.
var forwardingHeaders = []string{"X-Forwarded-For", "X-Real-IP"}
