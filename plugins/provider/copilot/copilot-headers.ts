/** The editor identity Copilot's API expects (VS Code's Copilot Chat extension). */
export const COPILOT_EDITOR_HEADERS: Readonly<Record<string, string>> = {
  'editor-version': 'vscode/1.99.3',
  'editor-plugin-version': 'copilot-chat/0.26.7',
  'user-agent': 'GitHubCopilotChat/0.26.7',
};

/** Headers of a chat call beside the Copilot token (configured `headers:` override them). */
export const COPILOT_CHAT_HEADERS: Readonly<Record<string, string>> = {
  ...COPILOT_EDITOR_HEADERS,
  'copilot-integration-id': 'vscode-chat',
  'openai-intent': 'conversation-panel',
  'x-github-api-version': '2025-04-01',
};

/** Headers of the GitHub API calls made with the GitHub token (`token` scheme, as the editors send it). */
export function githubHeaders(githubToken: string): Record<string, string> {
  return { authorization: `token ${githubToken}`, accept: 'application/json', ...COPILOT_EDITOR_HEADERS };
}
