package tui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/themes"
)

const contactSchema = `{"type":"object","properties":{
 "name":{"type":"string","title":"Your name","default":"Ada"},
 "age":{"type":"integer","description":"in years"},
 "subscribe":{"type":"boolean","default":true},
 "color":{"type":"string","enum":["red","green"]}},
 "required":["name","age"]}`

func TestElicitationFormIsPrefilledAndReplies(t *testing.T) {
	m, _ := newTest(t, 90, 40)
	m.running = true
	reply := make(chan agent.ElicitationReply, 1)
	events(m, agent.ElicitationRequest{Server: "everything", Message: "Please tell us about you", Schema: []byte(contactSchema), Reply: reply})
	s := screen(m)
	mustContain(t, s, "Request from everything", "Please tell us about you", "Your name *", "Ada", "age *", "in years", "subscribe", "red | green")
	if m.State() != "waiting for your answer" {
		t.Fatalf("state %q", m.State())
	}
	// Fields come in the schema's order: name (prefilled), age, subscribe, color.
	press(m, "enter") // name → age
	press(m, "ctrl+s")
	mustContain(t, screen(m), "age is required")
	typeText(m, "x")
	press(m, "ctrl+s")
	mustContain(t, screen(m), "age must be a whole number")
	press(m, "backspace")
	typeText(m, "36")
	press(m, "tab", "tab") // subscribe keeps its default; color
	typeText(m, "green")
	press(m, "enter") // the last field submits
	select {
	case r := <-reply:
		if r.Action != "accept" || r.Content["name"] != "Ada" || r.Content["age"] != int64(36) || r.Content["subscribe"] != true || r.Content["color"] != "green" {
			t.Fatalf("reply %+v", r)
		}
	default:
		t.Fatalf("no reply; screen:\n%s", screen(m))
	}
	mustNotContain(t, screen(m), "Request from everything")
}

func TestElicitationEscDeclines(t *testing.T) {
	m, _ := newTest(t, 90, 40)
	m.running = true
	reply := make(chan agent.ElicitationReply, 1)
	events(m, agent.ElicitationRequest{Server: "s", Message: "?", Schema: []byte(contactSchema), Reply: reply})
	press(m, "esc")
	if r := <-reply; r.Action != "decline" {
		t.Fatalf("esc gave %q", r.Action)
	}
	mustContain(t, screen(m), "Declined the request from s")
}

func TestInputDialogMasksPasswords(t *testing.T) {
	f := newInputForm("hf-token", "Your Hugging Face token", true)
	f.theme = themes.Dark()
	im := &inputModel{form: f, width: 80}
	for _, r := range "hf_secret" {
		im.Update(tea.KeyPressMsg(tea.Key{Code: r, Text: string(r)}))
	}
	v := im.View().Content
	if strings.Contains(v, "hf_secret") || !strings.Contains(v, "•••••••••") {
		t.Fatalf("password shown:\n%s", v)
	}
	mustContain(t, v, "Your Hugging Face token", "hf-token")
	_, cmd := im.Update(keyMsg("enter"))
	if !im.done || im.value() != "hf_secret" || cmd == nil {
		t.Fatalf("done=%v value=%q", im.done, im.value())
	}
}

// The prompter runs its own small program on the given terminal streams.
func TestInputPrompterReturnsTheValueOrCancelled(t *testing.T) {
	tests := []struct {
		name, keys, want string
		err              error
	}{
		{"typed and entered", "abc\r", "abc", nil},
		{"escape cancels", "abc\x1b", "", ErrCancelled},
		{"ctrl+c cancels", "abc\x03", "", ErrCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			ask := InputPrompter(themes.Plain(), strings.NewReader(tc.keys), &out)
			got, err := ask(agents.Input{ID: "key", Description: "API key", Password: true})
			if got != tc.want || err != tc.err {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
			if strings.Contains(out.String(), "abc") {
				t.Fatal("the password reached the terminal")
			}
		})
	}
}

func TestTallFormFitsTheScreenAndFollowsTheFocus(t *testing.T) {
	var props []string
	for i := 0; i < 15; i++ {
		props = append(props, fmt.Sprintf(`"field%02d":{"type":"string","description":"what field %d is for"}`, i, i))
	}
	schema := `{"type":"object","properties":{` + strings.Join(props, ",") + `},"required":["field14"]}`
	m, _ := newTest(t, 90, 24)
	m.running = true
	reply := make(chan agent.ElicitationReply, 1)
	events(m, agent.ElicitationRequest{Server: "big", Message: "Many fields", Schema: []byte(schema), Reply: reply})
	s := screen(m)
	if n := strings.Count(s, "\n") + 1; n > 24 {
		t.Fatalf("the frame is %d rows on a 24-row screen", n)
	}
	mustContain(t, s, "Request from big", "field00", "more lines", "ctrl+s submit", "waiting for your answer")
	for i := 0; i < 14; i++ {
		press(m, "tab")
	}
	s = screen(m)
	mustContain(t, s, "field14 *", "ctrl+s submit", "waiting for your answer")
	if strings.Contains(s, "field00") {
		t.Errorf("the window did not follow the focus to the last field:\n%s", s)
	}
	if n := strings.Count(s, "\n") + 1; n > 24 {
		t.Fatalf("the frame is %d rows on a 24-row screen", n)
	}
}
