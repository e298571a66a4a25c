/** Every dialect fake, one per server, each written from that server's documentation (see its file's header). */
import { azure } from './azure.js';
import { deepseek } from './deepseek.js';
import { gemini } from './gemini.js';
import { groq } from './groq.js';
import { litellm } from './litellm.js';
import { llamacpp } from './llamacpp.js';
import { lmstudio } from './lmstudio.js';
import { mistral } from './mistral.js';
import { ollama } from './ollama.js';
import { openai } from './openai.js';
import { openrouter } from './openrouter.js';
import type { Dialect } from './types.js';
import { vllm } from './vllm.js';

export const DIALECTS: readonly Dialect[] = [openai, azure, ollama, vllm, llamacpp, lmstudio, openrouter, groq, deepseek, mistral, gemini, litellm];
