// Command supportd is AI customer support on WhatsApp with a seamless handoff to people. Run
// `supportd --help` for its commands.
package main

import "github.com/supportd/supportd/internal/cli"

func main() { cli.Main() }
