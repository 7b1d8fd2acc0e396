// A few of VS Code's theme variables for the browser tests, which run outside VS Code. Values are
// those of VS Code's Dark Modern, Light Modern and Dark High Contrast themes.
export type Theme = 'dark' | 'light' | 'high-contrast';

const THEMES: Record<Theme, Record<string, string>> = {
  dark: {
    foreground: '#cccccc',
    'editor-background': '#1f1f1f',
    descriptionForeground: '#9d9d9d',
    focusBorder: '#0078d4',
    'panel-border': '#2b2b2b',
    'list-hoverBackground': '#2a2d2e',
    'list-activeSelectionBackground': '#04395e',
    'list-inactiveSelectionBackground': '#37373d',
    'input-background': '#313131',
    'dropdown-background': '#313131',
    'editorWidget-background': '#202020',
    'editorWidget-border': '#454545',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
  },
  light: {
    foreground: '#3b3b3b',
    'editor-background': '#ffffff',
    descriptionForeground: '#616161',
    focusBorder: '#005fb8',
    'panel-border': '#e5e5e5',
    'list-hoverBackground': '#f2f2f2',
    'list-activeSelectionBackground': '#e8e8e8',
    'list-activeSelectionForeground': '#000000',
    'list-inactiveSelectionBackground': '#e4e6f1',
    'input-background': '#ffffff',
    'input-border': '#cecece',
    'dropdown-background': '#ffffff',
    'dropdown-border': '#cecece',
    'editorWidget-background': '#f8f8f8',
    'editorWidget-border': '#c8c8c8',
    'textCodeBlock-background': '#f2f2f2',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'charts-green': '#388a34',
    'charts-blue': '#1a85ff',
    'errorForeground': '#a1260d',
    'inputValidation-errorBackground': '#f2dede',
    'inputValidation-errorBorder': '#be1100',
  },
  'high-contrast': {
    foreground: '#ffffff',
    'editor-background': '#000000',
    descriptionForeground: '#ffffff',
    focusBorder: '#f38518',
    contrastBorder: '#6fc3df',
    contrastActiveBorder: '#f38518',
    'panel-border': '#6fc3df',
    'list-hoverBackground': '#000000',
    'list-activeSelectionBackground': '#000000',
    'list-inactiveSelectionBackground': '#000000',
    'input-background': '#000000',
    'input-border': '#6fc3df',
    'dropdown-background': '#000000',
    'dropdown-border': '#6fc3df',
    'editorWidget-background': '#0c141f',
    'editorWidget-border': '#6fc3df',
    'button-background': '#000000',
    'button-border': '#6fc3df',
  },
};

export function themeCss(theme: Theme): string {
  const lines = Object.entries(THEMES[theme]).map(([name, value]) => `  --vscode-${name}: ${value};`);
  return `:root {\n  --vscode-font-family: system-ui, sans-serif;\n  --vscode-font-size: 13px;\n  --vscode-editor-font-family: monospace;\n${lines.join('\n')}\n}\n`;
}
