// Package whatsapp owns the WhatsApp Cloud API wire: it parses and verifies the webhook notifications Meta
// sends, answers the subscription check, and sends text, reply buttons and read receipts through the Graph
// API, classifying every failure as retryable or not.
//
// Nothing else in the product decodes WhatsApp JSON: the gateway calls Parse and Notification.Messages,
// activities call Client, and the workflow uses WindowOpen to decide whether a free-form message may be sent.
package whatsapp
