import { createApp } from 'vue';
import App from './App.vue';
import { connectApi } from './api/connect';

void connectApi().then((api) => {
  createApp(App, { api }).mount('#app');
});
