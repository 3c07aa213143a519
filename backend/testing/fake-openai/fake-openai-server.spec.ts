import {
  cosineSimilarity,
  embeddingFromBase64,
  fakeEmbedding,
  startFakeOpenAI,
  type FakeChatMessage,
  type FakeOpenAI,
} from './fake-openai-server';

// ---------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------

const FENCE = '```';
const LESSON = [
  '# Sensors and Actuators',
  '',
  'Robots perceive the world through [sensors](https://example.com/sensors).',
  '',
  '## Reading an IMU',
  '',
  `${FENCE}python`,
  '# a Python comment that looks like a heading',
  'imu = IMU()',
  'print(imu.read())',
  FENCE,
  '',
  'See the [ROS 2 docs](https://docs.ros.org/en/humble/) for details.',
  '',
  'Driving motors',
  '--------------',
  'Motors turn commands into motion.',
  '',
  `${FENCE}bash`,
  'ros2 run demo_nodes_cpp talker',
  FENCE,
  '',
  '### Summary',
  'Sensors in, actuators out: ![diagram](images/loop.png)',
].join('\n');

const FIRST_BLOCK = LESSON.slice(LESSON.indexOf(`${FENCE}python`), LESSON.indexOf(`${FENCE}\n\nSee`) + 3);
const SECOND_BLOCK = `${FENCE}bash\nros2 run demo_nodes_cpp talker\n${FENCE}`;
const HEADINGS = ['# Sensors and Actuators', '## Reading an IMU', 'Driving motors\n--------------', '### Summary'];
const LINKS = ['[sensors](https://example.com/sensors)', '[ROS 2 docs](https://docs.ros.org/en/humble/)', '![diagram](images/loop.png)'];

function lessonPrompt(profile: string, lesson: string = LESSON): FakeChatMessage[] {
  return [
    { role: 'system', content: `You personalise textbook lessons. Learner profile: ${profile}.` },
    { role: 'user', content: `Rewrite the lesson between the markers.\n<<<LESSON\n${lesson}\nLESSON>>>\nKeep code unchanged.` },
  ];
}

/** The fidelity check Lectern applies: every code block, link and heading survives. */
function isFaithful(rewrite: string): boolean {
  return [FIRST_BLOCK, SECOND_BLOCK, ...HEADINGS, ...LINKS].every((part) => rewrite.includes(part));
}

interface ChatCompletion {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: { index: number; message: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface ChatChunk {
  object: string;
  choices: { index: number; delta: { role?: string; content?: string }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

interface EmbeddingList<E> {
  object: string;
  data: { object: string; index: number; embedding: E }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

interface OpenAIErrorJson {
  error: { message: string; type: string; code: string | null };
}

let fake: FakeOpenAI;

function post(path: string, body: unknown, init: { key?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.key ?? 'sk-test'}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function complete(messages: FakeChatMessage[]): Promise<ChatCompletion> {
  const response = await post('/chat/completions', { model: 'gpt-4o-mini', messages });
  expect(response.status).toBe(200);
  return json<ChatCompletion>(response);
}

function parseSse(text: string): { chunks: ChatChunk[]; events: string[] } {
  const events = text
    .split('\n\n')
    .filter((event) => event.trim() !== '')
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return event.slice('data: '.length);
    });
  const chunks = events.filter((data) => data !== '[DONE]').map((data) => JSON.parse(data) as ChatChunk);
  return { chunks, events };
}

async function stream(
  messages: FakeChatMessage[],
  extra: Record<string, unknown> = {},
): Promise<{ chunks: ChatChunk[]; events: string[]; content: string; response: Response }> {
  const response = await post('/chat/completions', { model: 'gpt-4o-mini', messages, stream: true, ...extra });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const { chunks, events } = parseSse(await response.text());
  const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  return { chunks, events, content, response };
}

async function embed<E>(body: Record<string, unknown>): Promise<EmbeddingList<E>> {
  const response = await post('/embeddings', { model: 'text-embedding-3-small', ...body });
  expect(response.status).toBe(200);
  return json<EmbeddingList<E>>(response);
}

/** Polls a condition (the server's counters) instead of sleeping a guessed time. */
async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.reset());

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('fake OpenAI server', () => {
  it('listens on loopback with a /v1 base URL and lists its models', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await fetch(`${fake.url}/models`, { headers: { authorization: 'Bearer anything' } });
    const list = await json<{ object: string; data: { id: string; object: string }[] }>(response);
    expect(list.object).toBe('list');
    expect(list.data.map((model) => model.id)).toEqual(expect.arrayContaining(['gpt-4o-mini', 'text-embedding-3-small']));
    expect(list.data.every((model) => model.object === 'model')).toBe(true);
    expect(fake.calls.models).toBe(1);
  });

  describe('chat completions', () => {
    it('answers a lesson rewrite that keeps every code block, link and heading', async () => {
      const completion = await complete(lessonPrompt('beginner'));
      expect(completion.object).toBe('chat.completion');
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.model).toBe('gpt-4o-mini');
      expect(typeof completion.created).toBe('number');
      const choice = completion.choices[0];
      expect(choice?.index).toBe(0);
      expect(choice?.message.role).toBe('assistant');
      expect(choice?.finish_reason).toBe('stop');
      const content = choice?.message.content ?? '';
      expect(isFaithful(content)).toBe(true);
      // One adaptation note per heading (the comment inside the code block is not one).
      expect(content.match(/^> \*Adapted for you:\*/gm)).toHaveLength(HEADINGS.length);
      expect(content).not.toContain('<<<LESSON');
      expect(content).not.toContain('Keep code unchanged');
      const promptChars = lessonPrompt('beginner').reduce((sum, message) => sum + message.content.length, 0);
      expect(completion.usage).toEqual({
        prompt_tokens: Math.ceil(promptChars / 4),
        completion_tokens: Math.ceil(content.length / 4),
        total_tokens: Math.ceil(promptChars / 4) + Math.ceil(content.length / 4),
      });
    });

    it('is deterministic, and different profiles get different text', async () => {
      const first = await complete(lessonPrompt('beginner'));
      const again = await complete(lessonPrompt('beginner'));
      const other = await complete(lessonPrompt('expert in ROS'));
      const text = (completion: ChatCompletion): string => completion.choices[0]?.message.content ?? '';
      expect(text(again)).toBe(text(first));
      expect(text(other)).not.toBe(text(first));
      expect(isFaithful(text(other))).toBe(true);
    });

    it('without lesson markers answers deterministically from the input', async () => {
      const messages = [{ role: 'user', content: 'What is an actuator?' }];
      const first = await complete(messages);
      const again = await complete(messages);
      const other = await complete([{ role: 'user', content: 'What is a sensor?' }]);
      expect(first.choices[0]?.message.content).toMatch(/^Fake OpenAI answer [0-9a-f]{12}\./);
      expect(again.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
      expect(other.choices[0]?.message.content).not.toBe(first.choices[0]?.message.content);
    });

    it('honours custom lesson markers', async () => {
      const custom = await startFakeOpenAI({ lessonStartMarker: '[[BEGIN]]', lessonEndMarker: '[[END]]' });
      try {
        const response = await fetch(`${custom.url}/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'm',
            messages: [{ role: 'user', content: `Rewrite:\n[[BEGIN]]\n${LESSON}\n[[END]]` }],
          }),
        });
        const completion = await json<ChatCompletion>(response);
        expect(isFaithful(completion.choices[0]?.message.content ?? '')).toBe(true);
      } finally {
        await custom.close();
      }
    });

    it('streams chunks that reassemble into the same answer', async () => {
      const plain = await complete(lessonPrompt('beginner'));
      const { chunks, events, content } = await stream(lessonPrompt('beginner'));
      expect(content).toBe(plain.choices[0]?.message.content);
      expect(events.at(-1)).toBe('[DONE]');
      expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '').length).toBeGreaterThan(3);
      const last = chunks.at(-1);
      expect(last?.choices[0]?.finish_reason).toBe('stop');
      expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);
      expect(chunks.some((chunk) => chunk.usage)).toBe(false);
      expect(fake.calls.chat).toBe(2);
      expect(fake.calls.chatStreamed).toBe(1);
    });

    it('ends the stream with a usage chunk when stream_options.include_usage is set', async () => {
      const { chunks, events, content } = await stream(lessonPrompt('beginner'), {
        stream_options: { include_usage: true },
      });
      const usageChunk = chunks.at(-1);
      expect(usageChunk?.choices).toEqual([]);
      expect(usageChunk?.usage?.completion_tokens).toBe(Math.ceil(content.length / 4));
      expect(usageChunk?.usage?.total_tokens).toBe((usageChunk?.usage?.prompt_tokens ?? 0) + (usageChunk?.usage?.completion_tokens ?? 0));
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
      expect(events.at(-1)).toBe('[DONE]');
    });

    it('answers OpenAI errors for bad requests', async () => {
      const noModel = await post('/chat/completions', { messages: [{ role: 'user', content: 'x' }] });
      expect(noModel.status).toBe(400);
      expect((await json<OpenAIErrorJson>(noModel)).error.type).toBe('invalid_request_error');
      const noMessages = await post('/chat/completions', { model: 'gpt-4o-mini', messages: [] });
      expect(noMessages.status).toBe(400);
      const unknown = await post('/nowhere', {});
      expect(unknown.status).toBe(404);
      expect((await json<OpenAIErrorJson>(unknown)).error.message).toContain('/v1/nowhere');
      expect(fake.calls.errors).toBe(3);
    });
  });

  describe('embeddings', () => {
    it('returns deterministic, normalised vectors of the default and asked dimensions', async () => {
      const first = await embed<number[]>({ input: 'Robot arms use servo motors', encoding_format: 'float' });
      const again = await embed<number[]>({ input: ['Robot arms use servo motors'] });
      expect(first.object).toBe('list');
      expect(first.model).toBe('text-embedding-3-small');
      expect(first.data[0]?.object).toBe('embedding');
      expect(first.data[0]?.index).toBe(0);
      const vector = first.data[0]?.embedding ?? [];
      expect(vector).toHaveLength(1536);
      expect(again.data[0]?.embedding).toEqual(vector);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
      expect(vector).toEqual(fakeEmbedding('Robot arms use servo motors', 1536));
      expect(first.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });

      const small = await embed<number[]>({ input: 'Robot arms', dimensions: 64 });
      expect(small.data[0]?.embedding).toHaveLength(64);
      const large = await post('/embeddings', { model: 'text-embedding-3-large', input: 'x' });
      expect((await json<EmbeddingList<number[]>>(large)).data[0]?.embedding).toHaveLength(3072);
    });

    it('puts texts that share words closer than unrelated ones', async () => {
      const texts = [
        'How does a robot arm use servo motors to move its joints?',
        'Servo motors move the joints of a robot arm.',
        'Bake the bread in a hot oven for twenty minutes.',
      ];
      const list = await embed<number[]>({ input: texts });
      expect(list.data.map((item) => item.index)).toEqual([0, 1, 2]);
      const [query, related, unrelated] = list.data.map((item) => item.embedding);
      const close = cosineSimilarity(query ?? [], related ?? []);
      const far = cosineSimilarity(query ?? [], unrelated ?? []);
      expect(close).toBeGreaterThan(0.6);
      expect(Math.abs(far)).toBeLessThan(0.2);
      expect(close).toBeGreaterThan(far);
      expect(fake.calls.embeddings).toBe(1);
      expect(fake.calls.embeddingInputs).toBe(3);
    });

    it('encodes base64 as little-endian float32 that decodes to the same floats', async () => {
      const input = ['Inverse kinematics for humanoid legs', 'Reward shaping in reinforcement learning'];
      const floats = await embed<number[]>({ input, dimensions: 256, encoding_format: 'float' });
      const encoded = await embed<string>({ input, dimensions: 256, encoding_format: 'base64' });
      for (const [i, item] of encoded.data.entries()) {
        expect(typeof item.embedding).toBe('string');
        const bytes = Buffer.from(item.embedding, 'base64');
        expect(bytes.length).toBe(256 * 4);
        const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 256));
        expect(decoded).toEqual(floats.data[i]?.embedding);
        expect(embeddingFromBase64(item.embedding)).toEqual(decoded);
      }
    });

    it('rejects empty input with an OpenAI error', async () => {
      const response = await post('/embeddings', { model: 'text-embedding-3-small', input: [] });
      expect(response.status).toBe(400);
      expect((await json<OpenAIErrorJson>(response)).error.message).toContain('input');
    });
  });

  describe('auth', () => {
    it('accepts any bearer token but requires one', async () => {
      const response = await fetch(`${fake.url}/models`);
      expect(response.status).toBe(401);
      const body = await json<OpenAIErrorJson>(response);
      expect(body.error.type).toBe('invalid_request_error');
      expect(
        (await post('/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, { key: 'whatever' })).status,
      ).toBe(200);
    });

    it('answers 401 invalid_api_key on a wrong key when requireKey is set', async () => {
      const guarded = await startFakeOpenAI({ requireKey: 'sk-right' });
      try {
        const call = (key: string): Promise<Response> =>
          fetch(`${guarded.url}/embeddings`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x' }),
          });
        const wrong = await call('sk-wrong-key-123');
        expect(wrong.status).toBe(401);
        const body = await json<OpenAIErrorJson>(wrong);
        expect(body.error).toEqual(expect.objectContaining({ type: 'invalid_request_error', code: 'invalid_api_key' }));
        expect(body.error.message).not.toContain('sk-wrong-key-123');
        expect((await call(guarded.apiKey)).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });

  describe('misbehaviour', () => {
    const question = [{ role: 'user', content: 'Hello?' }];

    it('fails the first `times` requests with 429 and retry-after, then answers', async () => {
      fake.setBehaviour({ kind: 'status', status: 429, times: 2, retryAfterSeconds: 3 });
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await post('/chat/completions', { model: 'gpt-4o-mini', messages: question });
        expect(response.status).toBe(429);
        expect(response.headers.get('retry-after')).toBe('3');
        const body = await json<OpenAIErrorJson>(response);
        expect(body.error.code).toBe('rate_limit_exceeded');
        expect(typeof body.error.message).toBe('string');
      }
      expect((await post('/chat/completions', { model: 'gpt-4o-mini', messages: question })).status).toBe(200);
      expect(fake.behaviour('chat').kind).toBe('normal');
      expect(fake.calls.chat).toBe(3);
      expect(fake.calls.errors).toBe(2);
      expect(fake.calls.log.map((entry) => entry.status)).toEqual([429, 429, 200]);
    });

    it('fails forever with 500 when times is not given; 503 works too', async () => {
      fake.setBehaviour({ kind: 'status', status: 500 });
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await post('/chat/completions', { model: 'gpt-4o-mini', messages: question });
        expect(response.status).toBe(500);
        expect(response.headers.get('retry-after')).toBeNull();
        expect((await json<OpenAIErrorJson>(response)).error.type).toBe('server_error');
      }
      fake.setBehaviour({ kind: 'status', status: 503, times: 1 });
      expect((await post('/embeddings', { model: 'text-embedding-3-small', input: 'x' })).status).toBe(503);
      expect((await post('/embeddings', { model: 'text-embedding-3-small', input: 'x' })).status).toBe(200);
    });

    it('applies a behaviour to one endpoint only', async () => {
      fake.setBehaviour({ kind: 'status', status: 500 }, 'embeddings');
      expect((await post('/embeddings', { model: 'text-embedding-3-small', input: 'x' })).status).toBe(500);
      expect((await post('/chat/completions', { model: 'gpt-4o-mini', messages: question })).status).toBe(200);
      fake.setBehaviour({ kind: 'status', status: 429 }, 'chat');
      expect((await post('/chat/completions', { model: 'gpt-4o-mini', messages: question })).status).toBe(429);
      expect((await post('/embeddings', { model: 'text-embedding-3-small', input: 'x' })).status).toBe(500);
      fake.reset();
      expect((await post('/embeddings', { model: 'text-embedding-3-small', input: 'x' })).status).toBe(200);
      expect(fake.calls.embeddings).toBe(1);
    });

    it('hangs until the client aborts', async () => {
      fake.setBehaviour({ kind: 'hang' });
      const controller = new AbortController();
      const pending = post('/chat/completions', { model: 'gpt-4o-mini', messages: question }, { signal: controller.signal });
      await waitFor(() => fake.calls.inFlight === 1 && fake.calls.chat === 1);
      controller.abort();
      await expect(pending).rejects.toThrow(/abort/i);
      await waitFor(() => fake.calls.inFlight === 0);
      expect(fake.calls.log[0]?.status).toBeNull();
    });

    it('drops hung requests on close', async () => {
      const own = await startFakeOpenAI({ behaviour: { kind: 'hang' } });
      const pending = fetch(`${own.url}/embeddings`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x' }),
      });
      await waitFor(() => own.calls.inFlight === 1 && own.calls.embeddings === 1);
      await own.close();
      await expect(pending).rejects.toThrow();
    });

    it('slows a stream down between chunks', async () => {
      const chunkDelayMs = 40;
      fake.setBehaviour({ kind: 'slow-stream', chunkDelayMs });
      const started = Date.now();
      const { events, content } = await stream(question);
      const elapsed = Date.now() - started;
      const expected = (events.length - 1) * chunkDelayMs;
      expect(events.length).toBeGreaterThanOrEqual(5);
      expect(elapsed).toBeGreaterThanOrEqual(expected - 10);
      expect(elapsed).toBeLessThan(expected + 1500);
      expect(content).toMatch(/^Fake OpenAI answer/);
    });

    it('adds a fixed latency and records peak concurrency', async () => {
      fake.setBehaviour({ kind: 'normal', delayMs: 150 });
      const started = Date.now();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => post('/chat/completions', { model: 'gpt-4o-mini', messages: question })),
      );
      const elapsed = Date.now() - started;
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(elapsed).toBeLessThan(5 * 150);
      expect(fake.calls.peakConcurrent).toBe(5);
      expect(fake.calls.inFlight).toBe(0);
    });

    it('drop-code-block removes the first fenced code block only', async () => {
      fake.setBehaviour({ kind: 'drop-code-block' });
      const content = (await complete(lessonPrompt('beginner'))).choices[0]?.message.content ?? '';
      expect(content).not.toContain(FIRST_BLOCK);
      expect(content).not.toContain('imu = IMU()');
      expect(content).toContain(SECOND_BLOCK);
      expect(isFaithful(content)).toBe(false);
      for (const heading of HEADINGS) expect(content).toContain(heading);
    });

    it('hostile keeps the lesson faithful but injects script, onerror and javascript: link', async () => {
      fake.setBehaviour({ kind: 'hostile' });
      const { content } = await stream(lessonPrompt('beginner'));
      expect(isFaithful(content)).toBe(true);
      expect(content).toContain('<script>alert(1)</script>');
      expect(content).toContain('<img src=x onerror="alert(1)">');
      expect(content).toContain('[click](javascript:alert(1))');
    });

    it('truncate returns only the first 10 % of the lesson', async () => {
      fake.setBehaviour({ kind: 'truncate' });
      const content = (await complete(lessonPrompt('beginner'))).choices[0]?.message.content ?? '';
      expect(content).toBe(LESSON.slice(0, Math.ceil(LESSON.length * 0.1)));
      expect(isFaithful(content)).toBe(false);
    });

    it('reset() zeroes the counters and restores normal answers', async () => {
      fake.setBehaviour({ kind: 'status', status: 500 });
      await post('/chat/completions', { model: 'gpt-4o-mini', messages: question });
      await post('/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'] });
      expect(fake.calls).toEqual(expect.objectContaining({ chat: 1, embeddings: 1, embeddingInputs: 2, errors: 2 }));
      expect(fake.calls.log.map((entry) => [entry.endpoint, entry.model])).toEqual([
        ['chat', 'gpt-4o-mini'],
        ['embeddings', 'text-embedding-3-small'],
      ]);
      fake.reset();
      expect(fake.calls).toEqual({
        chat: 0,
        chatStreamed: 0,
        embeddings: 0,
        embeddingInputs: 0,
        models: 0,
        errors: 0,
        inFlight: 0,
        peakConcurrent: 0,
        log: [],
      });
      expect((await post('/chat/completions', { model: 'gpt-4o-mini', messages: question })).status).toBe(200);
    });
  });
});
