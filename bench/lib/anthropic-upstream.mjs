// Shared by the benchmarks that play Anthropic's side: a streamed answer's events, written as its API writes them.

/** Starts a server-sent-events answer on `response`; returns `send(event, data)`, which writes one event. */
export function startEventStream(response) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  return (event, data) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The `message_start` event every answer opens with. */
export const messageStart = {
  type: 'message_start',
  message: {
    id: 'msg_local',
    type: 'message',
    role: 'assistant',
    model: 'claude-local',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 1 },
  },
};
