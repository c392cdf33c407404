// Drives `tiny-agents serve` with the official openai npm client, the way applications do.
// Usage: node client.mjs BASE_URL API_KEY SCENARIO...; prints one JSON line per scenario.
import OpenAI from "openai";

const [baseURL, apiKey, ...scenarios] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });
const user = (text) => [{ role: "user", content: text }];

const run = {
  async nonstream() {
    const c = await client.chat.completions.create({ model: "test-agent", messages: user("node-plain"), temperature: 0.2, max_tokens: 50 });
    return { id: c.id, object: c.object, model: c.model, content: c.choices[0].message.content,
      finish: c.choices[0].finish_reason, activity: c.tool_activity?.length ?? 0 };
  },
  async stream() {
    const s = await client.chat.completions.create({ model: "test-agent", messages: user("node-stream"), stream: true,
      stream_options: { include_usage: true } });
    let content = "", finish = null, usage = null;
    const activity = [];
    for await (const chunk of s) {
      if (chunk.tool_activity) activity.push(chunk.tool_activity.type);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      content += choice.delta?.content ?? "";
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return { content, finish, activity, usage: usage !== null };
  },
  async helper() {
    // The client's own stream helper assembles the message from the chunks.
    const runner = client.chat.completions.stream({ model: "test-agent", messages: user("node-helper") });
    const final = await runner.finalChatCompletion();
    return { content: final.choices[0].message.content, finish: final.choices[0].finish_reason };
  },
  async models() {
    const list = await client.models.list();
    return { ids: list.data.map((m) => m.id) };
  },
  async error() {
    try {
      await client.chat.completions.create({ model: "test-agent", messages: user("fail") });
      return { thrown: false };
    } catch (e) {
      return { thrown: true, status: e.status, type: e.type ?? e.error?.type, message: e.message };
    }
  },
  async midstream() {
    let content = "";
    try {
      const s = await client.chat.completions.create({ model: "test-agent", messages: user("fail later"), stream: true });
      for await (const chunk of s) content += chunk.choices[0]?.delta?.content ?? "";
      return { thrown: false, content };
    } catch (e) {
      return { thrown: true, content, message: e.message };
    }
  },
};

for (const name of scenarios) {
  let out;
  try {
    out = await run[name]();
  } catch (e) {
    out = { unexpected: String(e), status: e.status };
  }
  console.log(JSON.stringify({ scenario: name, ...out }));
}
