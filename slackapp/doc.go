// Package slackapp owns the Slack wire for handoffs: it builds the handoff card, the thread messages and the
// confirmation prompt as Block Kit, sends them through the Web API, verifies and parses what Slack sends back
// (button presses and Events API callbacks), and classifies Slack errors as retryable or not.
//
// Every string that came from a customer is escaped before it reaches Slack, so a customer can never mention
// @channel or anyone, nor forge a link. Nothing else in the product builds or parses Slack JSON.
package slackapp
