import { createTheme, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 8 on white (and white on it) reaches WCAG AA's 4.5:1 for body
  // text; Mantine's default 6 is 4.3:1 for indigo, less for other colours.
  primaryShade: { light: 8, dark: 8 },
  // Filled surfaces whose colour is light (yellow, lime) get dark text.
  autoContrast: true,
  defaultRadius: 'md',
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '600' },
  // A visible ring on whatever has the keyboard's focus (never on a mouse click).
  focusRing: 'auto',
  components: {
    Button: { defaultProps: { radius: 'md' } },
    Paper: { defaultProps: { radius: 'md' } },
    Table: { defaultProps: { verticalSpacing: 'sm', horizontalSpacing: 'md' } },
    // Icon-only close buttons get a name for screen readers.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } },
    CloseButton: { defaultProps: { 'aria-label': 'Close' } },
  },
});

/**
 * Text colours that reach 4.5:1 on the page's white and grey-0 backgrounds:
 * dimmed text (Mantine's grey-6 is 3.3:1), error text (red-6 is 3.3:1) and
 * the text of light badges and alerts (shade 8 of a pale colour such as
 * green or yellow is not enough on its own tint, so it is darkened).
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5f666d',
    '--mantine-color-error': t.colors.red[9],
    '--mantine-color-placeholder': '#6c737a',
    ...Object.fromEntries(
      Object.keys(t.colors).map((name) => [
        `--mantine-color-${name}-light-color`,
        `color-mix(in srgb, var(--mantine-color-${name}-9) 72%, black)`,
      ]),
    ),
  },
  dark: {},
});
