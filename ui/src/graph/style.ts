/** How each node type looks: a colour and a white pictogram on it (ui/public/icons), plus edge colours. */
export const NODE_STYLE: Record<string, { color: string; pale: string; icon: string }> = {
  person: { color: '#2f6fdb', pale: '#9db9ec', icon: '/icons/person.svg' },
  card: { color: '#e07b1a', pale: '#efbf8f', icon: '/icons/card.svg' },
  doctor: { color: '#1e9e5a', pale: '#8fcfad', icon: '/icons/doctor.svg' },
  institution: { color: '#7b3fb0', pale: '#bd9fd8', icon: '/icons/institution.svg' },
  claim: { color: '#6b7785', pale: '#b5bbc2', icon: '/icons/claim.svg' },
  ring: { color: '#c0392b', pale: '#e09c95', icon: '/icons/ring.svg' },
  'trace-code': { color: '#138d8a', pale: '#89c6c4', icon: '/icons/trace-code.svg' },
};
export const FALLBACK_STYLE = { color: '#555', pale: '#aaa', icon: '/icons/claim.svg' };
export const styleOf = (type: string) => NODE_STYLE[type] ?? FALLBACK_STYLE;

export const EDGE_COLOR: Record<string, string> = {
  CLAIMED_AT: '#e9b27c',
  VISITED: '#8fa9e0',
  USED_CARD: '#c2185b',
  HOLDS: '#9aa5b1',
  TREATED: '#7cc59c',
  PRESCRIBED_TO: '#b48fd6',
};
export const edgeColorOf = (type: string) => EDGE_COLOR[type] ?? '#b8bec6';

export const DIM_NODE = '#e4e7eb';
export const DIM_EDGE = '#f0f1f3';
export const HIGHLIGHT_EDGE = '#ff5722';
