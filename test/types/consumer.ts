// @ts-nocheck: the project's own type check (tsconfig.json) cannot resolve
// 'ai-chat-element' before the package is built. scripts/pack-check.mjs copies
// this file, without this first line, into an app that installed the packed
// tarball and compiles it there, strictly, against dist/types.
//
// A user's code that names every type of the public API, imported from both
// entries: `ai-chat-element` by name, `ai-chat-element/element` as
// `fromElement.*`. scripts/check-public-types.mjs fails when an entry exports
// a name this file does not use, and when the API names a type that no entry
// exports. Nothing here runs; it only has to compile.
import {
  AiChat,
  CHAT_STATUSES,
  DEFAULT_ACTIONS,
  DEFAULT_HISTORY_LIMIT,
  ERROR_CODES,
  FEEDBACK_VALUES,
  MESSAGE_ACTIONS,
  FORMATS,
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  MODES,
  POSITIONS,
  THEMES,
  TOKEN_TYPES,
  type AiChatDeltaDetail,
  type AiChatEditDetail,
  type AiChatErrorDetail,
  type AiChatFeedbackDetail,
  type AiChatVersionDetail,
  type Feedback,
  type MessageAction,
  type MessageVersions,
  type AiChatEventMap,
  type AiChatEventName,
  type AiChatMessageDetail,
  type AiChatOpenDetail,
  type AiChatPartDetail,
  type AiChatRetryDetail,
  type AiChatToolCallDetail,
  type AiChatSendDetail,
  type ChatFailure,
  type ChatMessage,
  type ChatPart,
  type ChatRequest,
  type ChatRequestBody,
  type ChatStatus,
  type ChatStrings,
  type ChatStringsOverride,
  type ErrorCode,
  type ErrorParams,
  type ErrorTexts,
  type Extraction,
  type FilePart,
  type FormatName,
  type Highlighter,
  type HighlightToken,
  type MessageRole,
  type MessageStatus,
  type Mode,
  type PageTool,
  type PageTools,
  type ParseEvent,
  type PartDelta,
  type Position,
  type RequestMessage,
  type RequestPart,
  type SourcePart,
  type SourceDelta,
  type Citation,
  type TextPart,
  type StreamEvent,
  type TextDelta,
  type Theme,
  type TokenType,
  type ToolContext,
  type ToolDeclaration,
  type ToolDelta,
  type ToolPart,
  type ToolRun,
  type ToolState,
  TOOL_STATES,
  DEFAULT_MAX_STEPS,
  REJECT_REASONS,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_MAX_FILES,
  type RejectReason,
  type UploadFile,
  type UploadOptions,
} from 'ai-chat-element';
import * as fromElement from 'ai-chat-element/element';

const chat: AiChat = document.createElement('ai-chat');

// Attributes' unions and the lists they come from.
const theme: Theme = THEMES[2];
const mode: Mode = MODES[1];
const position: Position = POSITIONS[1];
chat.theme = theme;
chat.mode = mode;
chat.position = position;
const format: FormatName = 'openai-responses';
chat.format = FORMATS.includes(format) ? format : 'auto';
// @ts-expect-error a format the element does not read
chat.format = 'xml';

// The parseEvent hook: the SSE field names, as documented.
const parseEvent: ParseEvent = ({ data, event, id }: StreamEvent): Extraction | undefined => {
  if (event !== 'token') return undefined;
  const extraction: Extraction = { text: data, done: id === 'last' };
  return extraction;
};
chat.parseEvent = parseEvent;
// @ts-expect-error the hook returns an Extraction, not a string
chat.parseEvent = ({ data }: StreamEvent) => data;

// A highlighter returns tokens, never HTML.
const tokenType: TokenType = TOKEN_TYPES[0];
const highlighter: Highlighter = (code: string): HighlightToken[] => [{ text: code, type: tokenType }];
chat.highlighter = highlighter;

// Texts: a partial override, including error texts keyed by code.
const errorText = (code: ErrorCode) => (params: ErrorParams) => `${code} ${params.status ?? ''}`;
const errors: Partial<ErrorTexts> = Object.fromEntries(ERROR_CODES.map((code) => [code, errorText(code)]));
const strings: ChatStringsOverride = { send: 'Ask', errors };
chat.strings = strings;
const complete: Pick<ChatStrings, 'send' | 'stop'> = { send: 'Ask', stop: 'Stop' };
void complete;
// @ts-expect-error an override cannot add keys the element does not have
chat.strings = { sned: 'typo' };

// The conversation and the statuses.
const role: MessageRole = MESSAGE_ROLES[0];
const messageStatus: MessageStatus = MESSAGE_STATUSES[2];
const history: ChatMessage[] = [{ id: '1', role, content: 'Be brief.', status: messageStatus }];
chat.messages = history;
const status: ChatStatus = chat.status;
const busy = status !== CHAT_STATUSES[0];
void busy;

// Events: each detail by its name, and the map that types addEventListener.
chat.addEventListener('ai-chat-send', (event) => {
  const detail: AiChatSendDetail = event.detail;
  const request: ChatRequest = detail.request;
  const body: ChatRequestBody = request.body;
  body.temperature = 0.2;
});
chat.addEventListener('ai-chat-delta', (event) => {
  const detail: AiChatDeltaDetail = event.detail;
  console.log(detail.delta.length);
});
chat.addEventListener('ai-chat-done', (event) => {
  const detail: AiChatMessageDetail = event.detail;
  console.log(detail.message.content);
});
chat.addEventListener('ai-chat-error', (event) => {
  const detail: AiChatErrorDetail = event.detail;
  const failure: ChatFailure = detail.error;
  const code: ErrorCode = failure.code;
  console.log(code, failure.message);
});
chat.addEventListener('ai-chat-open', (event) => {
  const detail: AiChatOpenDetail = event.detail;
  console.log(detail.status, detail.contentType);
});
chat.addEventListener('ai-chat-retry', (event) => {
  const detail: AiChatRetryDetail = event.detail;
  console.log(detail.attempt, detail.delay);
});
const onAbort = (event: AiChatEventMap['ai-chat-abort']) => console.log(event.detail.message.status);
chat.addEventListener('ai-chat-abort', onAbort);
const logged: AiChatEventName[] = ['ai-chat-done', 'ai-chat-error'];
for (const name of logged) chat.addEventListener(name, (event) => console.log(event.type === name));
// @ts-expect-error events are prefixed: there is no 'ai-chat-message'
const unprefixed: AiChatEventName = 'ai-chat-message';
void unprefixed;

// The same names from `ai-chat-element/element`, which defines nothing.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
export const sameTypes: [
  Same<AiChat, fromElement.AiChat>,
  Same<Theme, fromElement.Theme>,
  Same<Mode, fromElement.Mode>,
  Same<Position, fromElement.Position>,
  Same<FormatName, fromElement.FormatName>,
  Same<ParseEvent, fromElement.ParseEvent>,
  Same<StreamEvent, fromElement.StreamEvent>,
  Same<Extraction, fromElement.Extraction>,
  Same<PartDelta, fromElement.PartDelta>,
  Same<TextDelta, fromElement.TextDelta>,
  Same<ToolDelta, fromElement.ToolDelta>,
  Same<SourcePart, fromElement.SourcePart>,
  Same<SourceDelta, fromElement.SourceDelta>,
  Same<TextPart, fromElement.TextPart>,
  Same<Citation, fromElement.Citation>,
  Same<FilePart, fromElement.FilePart>,
  Same<ToolState, fromElement.ToolState>,
  Same<Highlighter, fromElement.Highlighter>,
  Same<HighlightToken, fromElement.HighlightToken>,
  Same<TokenType, fromElement.TokenType>,
  Same<ChatStrings, fromElement.ChatStrings>,
  Same<ChatStringsOverride, fromElement.ChatStringsOverride>,
  Same<ErrorCode, fromElement.ErrorCode>,
  Same<ErrorParams, fromElement.ErrorParams>,
  Same<ErrorTexts, fromElement.ErrorTexts>,
  Same<ChatFailure, fromElement.ChatFailure>,
  Same<ChatMessage, fromElement.ChatMessage>,
  Same<ChatRequest, fromElement.ChatRequest>,
  Same<ChatRequestBody, fromElement.ChatRequestBody>,
  Same<ChatStatus, fromElement.ChatStatus>,
  Same<MessageRole, fromElement.MessageRole>,
  Same<MessageStatus, fromElement.MessageStatus>,
  Same<AiChatSendDetail, fromElement.AiChatSendDetail>,
  Same<AiChatDeltaDetail, fromElement.AiChatDeltaDetail>,
  Same<AiChatMessageDetail, fromElement.AiChatMessageDetail>,
  Same<AiChatErrorDetail, fromElement.AiChatErrorDetail>,
  Same<AiChatOpenDetail, fromElement.AiChatOpenDetail>,
  Same<AiChatRetryDetail, fromElement.AiChatRetryDetail>,
  Same<AiChatEventMap, fromElement.AiChatEventMap>,
  Same<AiChatEventName, fromElement.AiChatEventName>,
  Same<PageTool, fromElement.PageTool>,
  Same<PageTools, fromElement.PageTools>,
  Same<ToolRun, fromElement.ToolRun>,
  Same<ToolContext, fromElement.ToolContext>,
  Same<ToolPart, fromElement.ToolPart>,
  Same<ChatPart, fromElement.ChatPart>,
  Same<RequestMessage, fromElement.RequestMessage>,
  Same<RequestPart, fromElement.RequestPart>,
  Same<ToolDeclaration, fromElement.ToolDeclaration>,
  Same<AiChatPartDetail, fromElement.AiChatPartDetail>,
  Same<AiChatToolCallDetail, fromElement.AiChatToolCallDetail>,
  Same<RejectReason, fromElement.RejectReason>,
  Same<UploadFile, fromElement.UploadFile>,
  Same<UploadOptions, fromElement.UploadOptions>,
  Same<AiChatEditDetail, fromElement.AiChatEditDetail>,
  Same<AiChatFeedbackDetail, fromElement.AiChatFeedbackDetail>,
  Same<AiChatVersionDetail, fromElement.AiChatVersionDetail>,
  Same<Feedback, fromElement.Feedback>,
  Same<MessageAction, fromElement.MessageAction>,
  Same<MessageVersions, fromElement.MessageVersions>,
] = [
  true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true,
  true, true, true, true, true, true, true, true, true, true, true, true, true, true, true,
  true, true, true, true, true, true, true, true, true,
  true, true, true, true, true, true, true, true, true, true, true,
  true, true, true,
  true, true, true, true, true, true,
];
export const sameValues: boolean[] = [
  fromElement.AiChat === AiChat,
  fromElement.THEMES === THEMES,
  fromElement.MODES === MODES,
  fromElement.POSITIONS === POSITIONS,
  fromElement.FORMATS === FORMATS,
  fromElement.ERROR_CODES === ERROR_CODES,
  fromElement.TOKEN_TYPES === TOKEN_TYPES,
  fromElement.CHAT_STATUSES === CHAT_STATUSES,
  fromElement.MESSAGE_ROLES === MESSAGE_ROLES,
  fromElement.MESSAGE_STATUSES === MESSAGE_STATUSES,
  fromElement.DEFAULT_MAX_STEPS === DEFAULT_MAX_STEPS,
  fromElement.REJECT_REASONS === REJECT_REASONS,
  fromElement.DEFAULT_MAX_FILE_SIZE === DEFAULT_MAX_FILE_SIZE,
  fromElement.DEFAULT_MAX_FILES === DEFAULT_MAX_FILES,
  fromElement.DEFAULT_ACTIONS === DEFAULT_ACTIONS,
  fromElement.DEFAULT_HISTORY_LIMIT === DEFAULT_HISTORY_LIMIT,
  fromElement.FEEDBACK_VALUES === FEEDBACK_VALUES,
  fromElement.MESSAGE_ACTIONS === MESSAGE_ACTIONS,
];

// A parseEvent may report parts beside text: a tool call and a cited page.
const toolState: ToolState = TOOL_STATES[0];
export const partDeltas: PartDelta[] = [
  { type: 'tool', key: 'call-1', name: 'getOrder', args: '{"id":7}', state: toolState },
  { type: 'source', url: 'https://example.com', title: null },
];
export const sameToolStates: boolean = fromElement.TOOL_STATES === TOOL_STATES;

// Tools the page runs, the steps they show, and the request that carries their results.
const lookUp: ToolRun = async (input: unknown, { signal, call }: ToolContext) => {
  const step: ToolPart = call;
  return { input, aborted: signal.aborted, name: step.name };
};
const refund: PageTool = { run: lookUp, approve: true, description: 'Refunds an order.', parameters: { type: 'object' } };
const tools: PageTools = { get_order: lookUp, refund };
chat.tools = tools;
chat.maxSteps = DEFAULT_MAX_STEPS + 1;
chat.addEventListener('ai-chat-part', (event) => {
  const detail: AiChatPartDetail = event.detail;
  const part: ChatPart = detail.part;
  if (part.type === 'tool') console.log(part.state, part.output);
});
chat.addEventListener('ai-chat-tool-call', (event) => {
  const detail: AiChatToolCallDetail = event.detail;
  event.preventDefault();
  detail.respond({ answered: detail.part.name });
});
chat.addEventListener('ai-chat-send', (event) => {
  const sent: RequestMessage[] = event.detail.request.body.messages;
  const parts: RequestPart[] = sent.flatMap((message) => message.parts);
  const declared: ToolDeclaration[] = event.detail.request.body.tools ?? [];
  console.log(parts.length, declared.length);
});

// Attachments: the checks' attributes, the reasons a file is refused, and the page's own storage.
chat.accept = 'image/*,.pdf';
chat.maxFileSize = DEFAULT_MAX_FILE_SIZE / 2;
chat.maxFiles = DEFAULT_MAX_FILES - 2;
const reason: RejectReason = REJECT_REASONS[1];
chat.strings = { fileRejected: (name: string, why: RejectReason, limit: string) => `${name} ${why === reason ? limit : ''}` };
const upload: UploadFile = async (file: File, { signal, onProgress }: UploadOptions) => {
  onProgress(1);
  const response = await fetch('/files', { method: 'POST', body: file, signal });
  return (await response.json()) as string;
};
chat.upload = upload;

// Actions on messages: the list `actions` takes, and what feedback and versions look like.
const named: MessageAction[] = [...MESSAGE_ACTIONS];
const rated: Feedback = FEEDBACK_VALUES[0];
document.querySelector('ai-chat')?.addEventListener('ai-chat-feedback', (event) => {
  const detail: AiChatFeedbackDetail = event.detail;
  const versions: MessageVersions | undefined = detail.message.versions;
  void [detail.value === rated, versions?.before.length, named, DEFAULT_ACTIONS];
});
document.querySelector('ai-chat')?.addEventListener('ai-chat-edit', (event) => {
  const detail: AiChatEditDetail = event.detail;
  if (!detail.content.trim()) event.preventDefault();
});
document.querySelector('ai-chat')?.addEventListener('ai-chat-version', (event) => {
  const detail: AiChatVersionDetail = event.detail;
  void `${detail.version}/${detail.count}`;
});
