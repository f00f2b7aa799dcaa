/**
 * Registers the Fluent UI Web Components the pane uses (Fluent 2, @fluentui/web-components
 * v3) and applies the Fluent light theme as CSS custom properties. Only these elements go
 * into the bundle. Their styles are constructed stylesheets adopted by each shadow root, so
 * the CSP needs no inline <style> (helmet's default style-src allows 'unsafe-inline' anyway).
 */
import '@fluentui/web-components/badge.js';
import '@fluentui/web-components/button.js';
import '@fluentui/web-components/counter-badge.js';
import '@fluentui/web-components/dialog.js';
import '@fluentui/web-components/dialog-body.js';
import '@fluentui/web-components/link.js';
import '@fluentui/web-components/message-bar.js';
import '@fluentui/web-components/switch.js';
import '@fluentui/web-components/tab.js';
import '@fluentui/web-components/tablist.js';
import '@fluentui/web-components/text-input.js';
import '@fluentui/web-components/textarea.js';
import { setTheme } from '@fluentui/web-components/theme/index.js';
import { webLightTheme } from '@fluentui/tokens';

export function applyFluentTheme(): void {
  setTheme(webLightTheme);
}
