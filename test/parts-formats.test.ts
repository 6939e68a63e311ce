import { expect } from '@open-wc/testing';
import { createAnswerReader, FORMATS, isSkipped, type FormatName } from '../src/stream/formats/index.js';
import { createPartsBuilder, type ChatPart } from '../src/stream/parts.js';
import { feedBody } from './parts-feed.js';

const SSE = 'text/event-stream';
const NDJSON = 'application/x-ndjson';

/** What the widget would hold after reading a body: the joined text and reasoning, the error, and the parts. */
interface Answer {
  text: string;
  reasoning: string;
  error: string | null;
  done: boolean;
  parts: ChatPart[];
  format: string | undefined;
}

/** Reads a body through the real splitting, cut into the given pieces, folding parts as the element would. */
function readBody(contentType: string, body: string, format: FormatName = 'auto', cuts: number[] = []): Answer {
  const bytes = new TextEncoder().encode(body);
  const edges = [0, ...cuts, bytes.length];
  const chunks = edges.slice(1).map((end, i) => bytes.subarray(edges[i], end));
  const reader = createAnswerReader({ format, contentType });
  const builder = createPartsBuilder();
  const answer: Answer = { text: '', reasoning: '', error: null, done: false, parts: builder.parts, format: undefined };
  feedBody(reader, contentType, chunks, (result) => {
    if (isSkipped(result) || answer.error !== null) return;
    builder.add(result);
    answer.text += result.text ?? '';
    answer.reasoning += result.reasoning ?? '';
    answer.error = result.error ?? null;
    answer.done ||= result.done === true;
  });
  answer.format = reader.format;
  return answer;
}

/** An SSE event with an `event:` name. */
class Named {
  constructor(
    readonly name: string,
    readonly data: unknown,
  ) {}
}
const named = (name: string, data: unknown) => new Named(name, data);

/** An SSE body: one event per item, data JSON-encoded unless it is a string. */
const sse = (events: unknown[]) =>
  events
    .map((e) => {
      const data = e instanceof Named ? e.data : e;
      const line = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
      return e instanceof Named ? `event: ${e.name}\n${line}` : line;
    })
    .join('');

const ndjson = (lines: unknown[]) => lines.map((line) => `${JSON.stringify(line)}\n`).join('');

const tools = (parts: ChatPart[]) => parts.filter((p) => p.type === 'tool');
const sources = (parts: ChatPart[]) => parts.filter((p) => p.type === 'source');

/** Every split of a body in two gives the same answer as the whole body. */
function expectEverySplit(contentType: string, body: string, format: FormatName = 'auto'): Answer {
  const whole = readBody(contentType, body, format);
  const length = new TextEncoder().encode(body).length;
  for (let offset = 1; offset < length; offset++) {
    const split = readBody(contentType, body, format, [offset]);
    if (JSON.stringify(split) !== JSON.stringify(whole)) {
      expect(split, `${format}, split at ${offset}`).to.deep.equal(whole);
    }
  }
  return whole;
}

const completion = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('parts: OpenAI Chat Completions', () => {
  it('joins parallel tool calls per index, interleaved, and completes them at finish_reason', () => {
    const body = sse([
      completion({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }] }),
      completion({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{"tz"' } }] }),
      completion({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Oslo"}' } }] }),
      completion({ tool_calls: [{ index: 1, function: { arguments: ':"CET"}' } }] }),
      completion({}, 'tool_calls'),
      '[DONE]',
    ]);
    const answer = expectEverySplit(SSE, body);
    expect(answer.text).to.equal('');
    expect(tools(answer.parts)).to.deep.equal([
      { type: 'tool', id: 'call_a', name: 'weather', input: { city: 'Oslo' }, state: 'input-available' },
      { type: 'tool', id: 'call_b', name: 'time', input: { tz: 'CET' }, state: 'input-available' },
    ]);
  });

  it('reads a call sent whole in one chunk (Groq) and keeps the text before it apart', () => {
    const answer = readBody(
      SSE,
      sse([
        completion({ content: 'Let me look.' }),
        completion({ tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }),
        completion({}, 'tool_calls'),
      ]),
    );
    expect(answer.parts).to.deep.equal([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool', id: 'call_1', name: 'f', input: { a: 1 }, state: 'input-available' },
    ]);
  });

  it('reads url_citation annotations as sources, streamed and in a complete body', () => {
    const annotations = [
      { type: 'url_citation', url_citation: { url: 'https://a.example/', title: 'A', start_index: 0, end_index: 4 } },
      { type: 'url_citation', url_citation: { url: 'javascript:alert(1)', title: 'bad' } },
    ];
    const streamed = readBody(SSE, sse([completion({ content: 'Text' }), completion({ annotations }, 'stop')]));
    expect(streamed.text).to.equal('Text');
    expect(sources(streamed.parts)).to.deep.equal([{ type: 'source', url: 'https://a.example/', title: 'A' }]);
    const body = {
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Text',
            annotations,
            tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'g', arguments: '{"b":[1]}' } }],
          },
        },
      ],
    };
    const complete = readBody('application/json', JSON.stringify(body));
    // The marker goes after the cited words: `end_index` 4, the end of "Text".
    expect(streamed.parts[0]).to.deep.equal({ type: 'text', text: 'Text', citations: [{ url: 'https://a.example/', end: 4 }] });
    expect(complete.parts).to.deep.equal([
      { type: 'text', text: 'Text', citations: [{ url: 'https://a.example/', end: 4 }] },
      { type: 'tool', id: 'call_9', name: 'g', input: { b: [1] }, state: 'input-available' },
      { type: 'source', url: 'https://a.example/', title: 'A' },
    ]);
  });
});

describe('parts: OpenAI Responses', () => {
  const event = (type: string, data: Record<string, unknown>) => named(type, { type, ...data });

  it('reads web_search_call as a server-run call, and url_citation annotations as sources', () => {
    const search = { id: 'ws_1', type: 'web_search_call', status: 'in_progress' };
    const done = { ...search, status: 'completed', action: { type: 'search', query: 'tigers score' } };
    const note = { type: 'url_citation', url: 'https://news.example/t', title: 'Tigers win', start_index: 0, end_index: 3 };
    const answer = expectEverySplit(
      SSE,
      sse([
        event('response.output_item.added', { output_index: 0, item: search }),
        event('response.web_search_call.searching', { item_id: 'ws_1' }),
        event('response.output_item.done', { output_index: 0, item: done }),
        event('response.output_text.delta', { item_id: 'msg_1', delta: 'They won.' }),
        event('response.output_text.annotation.added', { item_id: 'msg_1', annotation: note }),
        event('response.completed', { response: { status: 'completed', error: null } }),
      ]),
    );
    expect(answer).to.include({ text: 'They won.', done: true });
    expect(answer.parts).to.deep.equal([
      {
        type: 'tool',
        id: 'ws_1',
        name: 'web_search',
        input: { type: 'search', query: 'tigers score' },
        state: 'output-available',
      },
      { type: 'text', text: 'They won.', citations: [{ url: 'https://news.example/t', end: 3 }] },
      { type: 'source', url: 'https://news.example/t', title: 'Tigers win' },
    ]);
  });

  it('a function call stays waiting for the page (input-available), keyed by item, with call_id as its id', () => {
    const item = { id: 'fc_1', type: 'function_call', call_id: 'call_x', name: 'lookup', arguments: '' };
    const answer = readBody(
      SSE,
      sse([
        event('response.output_item.added', { item }),
        event('response.function_call_arguments.delta', { item_id: 'fc_1', delta: '{"id":' }),
        event('response.function_call_arguments.delta', { item_id: 'fc_1', delta: '7}' }),
        event('response.function_call_arguments.done', { item_id: 'fc_1', arguments: '{"id":7}' }),
        event('response.output_item.done', { item: { ...item, arguments: '{"id":7}', status: 'completed' } }),
      ]),
    );
    expect(answer.parts).to.deep.equal([
      { type: 'tool', id: 'call_x', name: 'lookup', input: { id: 7 }, state: 'input-available' },
    ]);
  });

  it('reads calls and annotations from a complete response body', () => {
    const body = {
      object: 'response',
      status: 'completed',
      error: null,
      output: [
        { type: 'web_search_call', id: 'ws_2', status: 'completed' },
        {
          type: 'message',
          content: [
            {
              type: 'output_text',
              text: 'Done.',
              annotations: [{ type: 'url_citation', url: 'https://b.example/', title: 'B' }],
            },
          ],
        },
        { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'f', arguments: 'not json' },
      ],
    };
    const answer = readBody('application/json', JSON.stringify(body));
    expect(answer.parts).to.deep.equal([
      { type: 'tool', id: 'ws_2', name: 'web_search', input: {}, state: 'output-available' },
      { type: 'text', text: 'Done.' },
      { type: 'source', url: 'https://b.example/', title: 'B' },
      { type: 'tool', id: 'call_2', name: 'f', input: 'not json', state: 'input-available' },
    ]);
  });
});

describe('parts: Anthropic', () => {
  const typed = (data: Record<string, unknown>) => named(data.type as string, data);
  const start = (index: number, block: Record<string, unknown>) =>
    typed({ type: 'content_block_start', index, content_block: block });
  const delta = (index: number, d: Record<string, unknown>) => typed({ type: 'content_block_delta', index, delta: d });
  const stop = (index: number) => typed({ type: 'content_block_stop', index });

  it('reads a server web search, its results (output and sources) and the citations in the text', () => {
    const results = [
      { type: 'web_search_result', url: 'https://w.example/1', title: 'One', encrypted_content: 'x', page_age: null },
      { type: 'web_search_result', url: 'https://w.example/2', title: 'Two', encrypted_content: 'y', page_age: null },
    ];
    const citation = { type: 'web_search_result_location', url: 'https://w.example/2', title: 'Two', cited_text: 'c' };
    const answer = expectEverySplit(
      SSE,
      sse([
        typed({ type: 'message_start', message: { content: [] } }),
        start(0, { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }),
        delta(0, { type: 'input_json_delta', partial_json: '{"query": "claude' }),
        delta(0, { type: 'input_json_delta', partial_json: ' news"}' }),
        stop(0),
        start(1, { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: results }),
        stop(1),
        start(2, { type: 'text', text: '' }),
        delta(2, { type: 'text_delta', text: 'News: ' }),
        delta(2, { type: 'citations_delta', citation }),
        delta(2, { type: 'text_delta', text: 'launch.' }),
        stop(2),
        typed({ type: 'message_stop' }),
      ]),
    );
    expect(answer.text).to.equal('News: launch.');
    expect(answer.parts).to.deep.equal([
      {
        type: 'tool',
        id: 'srvtoolu_1',
        name: 'web_search',
        input: { query: 'claude news' },
        output: results,
        state: 'output-available',
      },
      { type: 'source', url: 'https://w.example/1', title: 'One' },
      { type: 'source', url: 'https://w.example/2', title: 'Two' },
      // The citation backs its block's text: the marker goes after all of it.
      { type: 'text', text: 'News: launch.', citations: [{ url: 'https://w.example/2', end: 13 }] },
    ]);
  });

  it('a server tool error result fails its call', () => {
    const answer = readBody(
      SSE,
      sse([
        start(0, { type: 'server_tool_use', id: 'srv_2', name: 'web_search', input: {} }),
        stop(0),
        start(1, {
          type: 'web_search_tool_result',
          tool_use_id: 'srv_2',
          content: { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' },
        }),
      ]),
    );
    expect(tools(answer.parts)).to.deep.equal([
      { type: 'tool', id: 'srv_2', name: 'web_search', input: {}, state: 'output-error', errorText: 'max_uses_exceeded' },
    ]);
  });

  it('reads tool_use blocks of a complete message with their input', () => {
    const body = {
      type: 'message',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Oslo' } },
      ],
    };
    expect(readBody('application/json', JSON.stringify(body)).parts).to.deep.equal([
      { type: 'text', text: 'Checking.' },
      { type: 'tool', id: 'toolu_1', name: 'get_weather', input: { location: 'Oslo' }, state: 'input-available' },
    ]);
  });
});

describe('parts: Gemini', () => {
  it('reads functionCall and functionResponse, and grounding sources', () => {
    const chunk = (parts: unknown[], extra: Record<string, unknown> = {}) => ({
      candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
    });
    const answer = expectEverySplit(
      SSE,
      sse([
        chunk([{ functionCall: { name: 'lookup', args: { q: 'x' } } }]),
        chunk([{ functionResponse: { name: 'lookup', response: { found: true } } }]),
        chunk([{ text: 'Here.' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }], {
          groundingMetadata: {
            groundingChunks: [
              { web: { uri: 'https://g.example/a', title: 'g.example' } },
              { web: { uri: 'https://g.example/a', title: 'again' } },
            ],
          },
          finishReason: 'STOP',
        }),
      ]),
    );
    expect(answer.parts).to.deep.equal([
      { type: 'tool', id: null, name: 'lookup', input: { q: 'x' }, output: { found: true }, state: 'output-available' },
      { type: 'text', text: 'Here.' },
      { type: 'source', url: 'https://g.example/a', title: 'g.example' },
    ]);
  });

  it('two calls to the same function without ids are two calls', () => {
    const call = (city: string) => ({ candidates: [{ content: { parts: [{ functionCall: { name: 'w', args: { city } } }] } }] });
    const answer = readBody(SSE, sse([call('A'), call('B')]));
    expect(tools(answer.parts).map((p) => p.type === 'tool' && p.input)).to.deep.equal([{ city: 'A' }, { city: 'B' }]);
  });
});

describe('parts: Ollama', () => {
  it('reads whole tool calls from NDJSON lines and from a stream:false body', () => {
    const line = (message: Record<string, unknown>, done = false) => ({ model: 'm', created_at: 't', message, done });
    const streamed = readBody(
      NDJSON,
      ndjson([
        line({ role: 'assistant', content: '', tool_calls: [{ function: { name: 'a', arguments: { x: 1 } } }] }),
        line({ role: 'assistant', content: '' }, true),
      ]),
    );
    expect(streamed.parts).to.deep.equal([
      { type: 'tool', id: null, name: 'a', input: { x: 1 }, state: 'input-available' },
    ]);
    const body = line({ role: 'assistant', content: 'ok', tool_calls: [{ function: { name: 'b', arguments: {} } }] }, true);
    expect(readBody('application/json', JSON.stringify(body)).parts).to.deep.equal([
      { type: 'text', text: 'ok' },
      { type: 'tool', id: null, name: 'b', input: {}, state: 'input-available' },
    ]);
  });
});

describe('parts: AI SDK UI message stream', () => {
  it('reads tool input and output chunks, sources and files; a document source has no link', () => {
    const answer = expectEverySplit(
      SSE,
      sse([
        { type: 'start' },
        { type: 'tool-input-start', toolCallId: 't1', toolName: 'getOrder' },
        { type: 'tool-input-delta', toolCallId: 't1', inputTextDelta: '{"id":' },
        { type: 'tool-input-delta', toolCallId: 't1', inputTextDelta: '42}' },
        { type: 'tool-input-available', toolCallId: 't1', toolName: 'getOrder', input: { id: 42 } },
        { type: 'tool-output-available', toolCallId: 't1', output: { status: 'shipped' } },
        { type: 'tool-input-available', toolCallId: 't2', toolName: 'refund', input: { id: 42 } },
        { type: 'tool-output-error', toolCallId: 't2', errorText: 'Not allowed' },
        { type: 'source-url', sourceId: 's1', url: 'https://docs.example/orders', title: 'Orders' },
        { type: 'source-document', sourceId: 's2', mediaType: 'application/pdf', title: 'Policy' },
        { type: 'file', url: 'https://cdn.example/label.pdf', mediaType: 'application/pdf' },
        { type: 'text-start', id: 'x' },
        { type: 'text-delta', id: 'x', delta: 'Shipped.' },
        { type: 'text-end', id: 'x' },
        { type: 'finish' },
        '[DONE]',
      ]),
    );
    expect(answer).to.include({ text: 'Shipped.', done: true, error: null });
    expect(answer.parts).to.deep.equal([
      { type: 'tool', id: 't1', name: 'getOrder', input: { id: 42 }, output: { status: 'shipped' }, state: 'output-available' },
      { type: 'tool', id: 't2', name: 'refund', input: { id: 42 }, state: 'output-error', errorText: 'Not allowed' },
      { type: 'source', url: 'https://docs.example/orders', title: 'Orders' },
      { type: 'file', mediaType: 'application/pdf', url: 'https://cdn.example/label.pdf' },
      { type: 'text', text: 'Shipped.' },
    ]);
  });

  it('an answer of only a tool call is an answer: its result carries parts', () => {
    const reader = createAnswerReader({ format: 'auto', contentType: SSE });
    const result = reader.event({ data: JSON.stringify({ type: 'tool-input-start', toolCallId: 'a', toolName: 'n' }), event: 'message', id: '' });
    expect(result).to.have.property('parts').with.length(1);
  });
});

describe('parts: AI SDK 4 data stream', () => {
  it('reads h: sources in order with the text around them, and drops an unsafe one', () => {
    const body = [
      'f:{"messageId":"m"}',
      '0:"See "',
      'h:{"sourceType":"url","id":"s","url":"https://v4.example/","title":"V4"}',
      '0:"this."',
      'h:{"sourceType":"url","id":"t","url":"javascript:alert(1)"}',
      'd:{"finishReason":"stop"}',
      '',
    ].join('\n');
    const answer = expectEverySplit('text/plain; charset=utf-8', body);
    expect(answer.parts).to.deep.equal([
      { type: 'text', text: 'See this.' },
      { type: 'source', url: 'https://v4.example/', title: 'V4' },
    ]);
  });

  it('keeps the order of text and calls that arrive in one piece', () => {
    const body = '0:"Before "\n9:{"toolCallId":"c","toolName":"t","args":{}}\n0:"after."\nd:{"finishReason":"stop"}\n';
    expect(readBody('text/plain', body).parts).to.deep.equal([
      { type: 'text', text: 'Before ' },
      { type: 'tool', id: 'c', name: 't', input: {}, state: 'input-available' },
      { type: 'text', text: 'after.' },
    ]);
  });
});

describe('parts: LangGraph', () => {
  const meta = { langgraph_node: 'agent', langgraph_step: 1 };
  const ai = (fields: Record<string, unknown>) =>
    named('messages', [{ type: 'AIMessageChunk', id: 'run-1', content: '', ...fields }, meta]);

  it('joins tool_call_chunks per message and index, completes them at finish_reason, and joins the tool message', () => {
    const answer = expectEverySplit(
      SSE,
      sse([
        named('metadata', { run_id: 'r' }),
        ai({ tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, id: 'call_w', name: 'weather', args: '' }] }),
        ai({ tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, id: null, name: null, args: '{"city": "Rome"}' }] }),
        ai({ response_metadata: { finish_reason: 'tool_calls' } }),
        named('messages', [
          { type: 'tool', id: 'tm', content: '{"temp": 21}', tool_call_id: 'call_w', name: 'weather' },
          { langgraph_node: 'tools' },
        ]),
        named('messages', [{ type: 'AIMessageChunk', id: 'run-2', content: 'It is 21.' }, meta]),
      ]),
    );
    expect(answer.text).to.equal('It is 21.');
    expect(answer.parts).to.deep.equal([
      { type: 'tool', id: 'call_w', name: 'weather', input: { city: 'Rome' }, output: '{"temp": 21}', state: 'output-available' },
      { type: 'text', text: 'It is 21.' },
    ]);
  });

  it('reads complete tool_calls of a whole AI message', () => {
    const answer = readBody(
      SSE,
      sse([named('messages', [{ type: 'ai', id: 'm', content: '', tool_calls: [{ id: 'c1', name: 'f', args: { a: 1 } }] }, meta])]),
    );
    expect(answer.parts).to.deep.equal([{ type: 'tool', id: 'c1', name: 'f', input: { a: 1 }, state: 'input-available' }]);
  });

  it('a tool message with status error fails its call', () => {
    const answer = readBody(
      SSE,
      sse([
        ai({ tool_calls: [], tool_call_chunks: [{ index: 0, id: 'c2', name: 'f', args: '{}' }], chunk_position: 'last' }),
        named('messages', [{ type: 'tool', content: 'Tool failed', tool_call_id: 'c2', status: 'error' }, meta]),
      ]),
    );
    expect(tools(answer.parts)).to.deep.equal([
      { type: 'tool', id: 'c2', name: 'f', input: {}, state: 'output-error', errorText: 'Tool failed' },
    ]);
  });
});

describe('parts: LangChain.js chunks forwarded as JSON.stringify(chunk) (#16)', () => {
  /** What `JSON.stringify(new AIMessageChunk(kwargs))` writes in LangChain.js (Serializable.toJSON). */
  const lc = (kwargs: Record<string, unknown>, type = 'AIMessageChunk') => ({
    lc: 1,
    type: 'constructor',
    id: ['langchain_core', 'messages', type],
    kwargs: {
      content: '',
      additional_kwargs: {},
      response_metadata: {},
      tool_call_chunks: [],
      tool_calls: [],
      invalid_tool_calls: [],
      id: 'chatcmpl-lc',
      ...kwargs,
    },
  });
  const chunks = [
    lc({ additional_kwargs: { reasoning_content: 'User greets. ' } }),
    lc({ additional_kwargs: { reasoning_content: 'Reply.' } }),
    lc({ content: 'Hello' }),
    lc({ content: ', world' }),
    lc({ tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, id: 'call_lc', name: 'clock', args: '{"tz":' }] }),
    lc({ tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, args: '"UTC"}' }] }),
    lc({ response_metadata: { finish_reason: 'tool_calls' } }),
  ];
  const expected = {
    text: 'Hello, world',
    reasoning: 'User greets. Reply.',
    parts: [
      { type: 'reasoning', text: 'User greets. Reply.' },
      { type: 'text', text: 'Hello, world' },
      { type: 'tool', id: 'call_lc', name: 'clock', input: { tz: 'UTC' }, state: 'input-available' },
    ],
  };

  it('reads text, reasoning and tool-call chunks over SSE, whole and split at every byte, auto and pinned', () => {
    const body = sse(chunks);
    for (const format of FORMATS) {
      if (format === 'text') continue;
      const answer = expectEverySplit(SSE, body, format);
      expect(answer, format).to.deep.include({ ...expected, error: null });
    }
    expect(readBody(SSE, body).format).to.equal('generic');
  });

  it('reads them as NDJSON lines, whole and split at every byte', () => {
    const answer = expectEverySplit(NDJSON, ndjson(chunks));
    expect(answer).to.deep.include(expected);
  });

  it('reads a serialised AIMessage with whole tool_calls, and a serialised ToolMessage as its result', () => {
    const answer = readBody(
      SSE,
      sse([
        lc({ content: '', tool_calls: [{ id: 'c', name: 'sum', args: { a: 1, b: 2 } }] }, 'AIMessage'),
        lc({ content: '3', tool_call_id: 'c', name: 'sum' }, 'ToolMessage'),
        lc({ content: 'The sum is 3.' }),
      ]),
    );
    expect(answer.parts).to.deep.equal([
      { type: 'tool', id: 'c', name: 'sum', input: { a: 1, b: 2 }, output: '3', state: 'output-available' },
      { type: 'text', text: 'The sum is 3.' },
    ]);
  });

  it('reads chunk.content forwarded as plain data: SSE data lines and a text/plain body', () => {
    const pieces = ['Hello', ', wor', 'ld {not json}'];
    expect(expectEverySplit(SSE, pieces.map((piece) => `data: ${piece}\n\n`).join('')).text).to.equal('Hello, world {not json}');
    expect(expectEverySplit('text/plain; charset=utf-8', pieces.join('')).text).to.equal('Hello, world {not json}');
  });
});
