// The baseline: the plainest possible streaming element. It reads the same
// event stream and appends each token to one text node's textContent, with no
// markdown, no batching and no safety work. What <ai-chat> costs is quoted as
// a ratio to this, measured in the same run.
class NaiveChat extends HTMLElement {
  async send(url) {
    const text = document.createElement('div');
    text.style.whiteSpace = 'pre-wrap';
    text.style.overflow = 'auto';
    text.style.height = '100%';
    this.replaceChildren(text);
    const response = await fetch(url, { method: 'POST', body: '{}' });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let tokens = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      const events = buffer.split('\n\n');
      buffer = events.pop();
      for (const event of events) {
        const data = event.replace(/^data: /, '');
        if (data === '[DONE]') continue;
        text.textContent += JSON.parse(data).choices[0].delta.content;
        tokens += 1;
        this.dispatchEvent(new CustomEvent('naive-delta', { detail: tokens }));
      }
    }
    return tokens;
  }
}
customElements.define('naive-chat', NaiveChat);
