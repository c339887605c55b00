import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createTransport } from './api/transport.js';
import { useAppStore } from './stores/app.js';
import './styles/base.css';
import './styles/hljs.css';

const app = createApp(App);
app.use(createPinia());
const store = useAppStore();
try {
  store.attach(createTransport());
} catch (err) {
  store.fatal = err instanceof Error ? err.message : String(err);
}
app.mount('#app');
