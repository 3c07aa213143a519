// The real `openai` SDK against the fake server: what Lectern's LLM client will see.
import OpenAI, { APIConnectionError, APIUserAbortError, AuthenticationError, InternalServerError, RateLimitError } from 'openai';
import { cosineSimilarity, fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from './fake-openai-server';

const FENCE = '```';
const LESSON = [
  '# Kinematics',
  '',
  'Forward kinematics maps joint angles to a pose; see [the notes](https://example.com/fk).',
  '',
  `${FENCE}python`,
  'pose = fk(q)',
  FENCE,
  '',
  '## Inverse kinematics',
  'The inverse problem.',
].join('\n');

let fake: FakeOpenAI;
let client: OpenAI;

function messages(profile: string): OpenAI.Chat.Completions.ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: `Personalise for: ${profile}` },
    { role: 'user', content: `<<<LESSON\n${LESSON}\nLESSON>>>` },
  ];
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.reset());

describe('fake OpenAI server with the openai SDK', () => {
  it('answers chat completions', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: messages('beginner') });
    const content = completion.choices[0]?.message.content ?? '';
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(content).toContain(`${FENCE}python\npose = fk(q)\n${FENCE}`);
    expect(content).toContain('[the notes](https://example.com/fk)');
    expect(content).toContain('## Inverse kinematics');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams, with a usage chunk', async () => {
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: messages('beginner') });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: messages('beginner'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(content).toBe(plain.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBe(Math.ceil(content.length / 4));
    expect(fake.calls.chatStreamed).toBe(1);
  });

  it('returns embeddings the SDK decodes from base64', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['servo motors in a robot arm', 'a robot arm with servo motors', 'sourdough bread recipe'],
    });
    expect(fake.calls.log[0]?.body).toEqual(expect.objectContaining({ encoding_format: 'base64' }));
    const [a, b, c] = result.data.map((item) => item.embedding);
    expect(a).toEqual(fakeEmbedding('servo motors in a robot arm', 1536));
    expect(cosineSimilarity(a ?? [], b ?? [])).toBeGreaterThan(cosineSimilarity(a ?? [], c ?? []));
    const small = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 32 });
    expect(small.data[0]?.embedding).toHaveLength(32);
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
  });

  it('lets the SDK retry a 429 with retry-after and then succeed', async () => {
    fake.setBehaviour({ kind: 'status', status: 429, times: 2, retryAfterSeconds: 0 });
    const retrying = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 2 });
    const completion = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: messages('x') });
    expect(completion.choices[0]?.message.content).toContain('# Kinematics');
    expect(fake.calls.chat).toBe(3);
  });

  it('surfaces the SDK error classes', async () => {
    fake.setBehaviour({ kind: 'status', status: 429 });
    await expect(client.chat.completions.create({ model: 'm', messages: messages('x') })).rejects.toBeInstanceOf(RateLimitError);
    fake.setBehaviour({ kind: 'status', status: 500 });
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).rejects.toBeInstanceOf(InternalServerError);
    const guarded = await startFakeOpenAI({ requireKey: 'sk-right' });
    try {
      const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: guarded.url, maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      await guarded.close();
    }
  });

  it('times out or aborts a hung request', async () => {
    fake.setBehaviour({ kind: 'hang' });
    // Under plain Node this is the subclass APIConnectionTimeoutError; inside Jest the SDK cannot
    // recognise undici's AbortError (a DOMException from another realm) and reports a plain
    // APIConnectionError ("Connection error.").
    await expect(client.chat.completions.create({ model: 'm', messages: messages('x') }, { timeout: 100 })).rejects.toBeInstanceOf(
      APIConnectionError,
    );
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'm', messages: messages('x') }, { signal: controller.signal });
    while (fake.calls.chat < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
