// Package whatsapp owns the WhatsApp Cloud API wire: it parses and verifies the webhook notifications Meta
// sends (customer messages, delivery statuses, echoes of replies sent from the WhatsApp Business app and
// the coexistence syncs), answers the subscription check, and sends text, reply buttons, templates and read
// receipts through the Graph API, classifying every failure as retryable or not.
//
// A customer is known by phone (wa_id), by business-scoped user ID (BSUID) or both: Message carries both
// and From is the one to key on; To addresses a send to the phone when known and to the BSUID otherwise.
//
// Nothing else in the product decodes WhatsApp JSON: the gateway calls Parse and Notification.Messages,
// activities call Client; whether a free-form message may be sent (the 24-hour window) is the conversation's rule (conversation.WindowOpen).
package whatsapp
