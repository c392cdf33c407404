package localtools

import (
	"fmt"
	"time"
	// The time zone database inside the program: Windows and minimal containers have none.
	_ "time/tzdata"

	"github.com/mark3labs/mcp-go/mcp"
)

func currentTime(now time.Time, zone string) *mcp.CallToolResult {
	loc := time.Local
	if zone != "" {
		l, err := time.LoadLocation(zone)
		if err != nil {
			return mcp.NewToolResultError(fmt.Sprintf("unknown time zone %q: use an IANA name such as Europe/Paris or America/New_York", zone))
		}
		loc = l
	}
	t := now.In(loc)
	name, _ := t.Zone()
	zoneName := loc.String()
	if zoneName == "Local" {
		zoneName = "local time"
	}
	return mcp.NewToolResultText(fmt.Sprintf("%s (%s, %s, %s)", t.Format(time.RFC3339), t.Weekday(), name, zoneName))
}
