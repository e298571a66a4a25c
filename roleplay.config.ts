// The repo's own config: the seed notebook's software company. `roleplay init` writes a commented one.
import { defineConfig } from 'roleplay';

export default defineConfig({
  preset: 'software-company',
});
