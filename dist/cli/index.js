#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 6:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const pico = __nccwpck_require__(16);
const utils = __nccwpck_require__(59);

function picomatch(glob, options, returnState = false) {
  // default to os.platform()
  if (options && (options.windows === null || options.windows === undefined)) {
    // don't mutate the original options object
    options = { ...options, windows: utils.isWindows() };
  }

  return pico(glob, options, returnState);
}

Object.assign(picomatch, pico);
module.exports = picomatch;


/***/ }),

/***/ 595:
/***/ ((module) => {



const WIN_SLASH = '\\\\/';
const WIN_NO_SLASH = `[^${WIN_SLASH}]`;

const DEFAULT_MAX_EXTGLOB_RECURSION = 0;

/**
 * Posix glob regex
 */

const DOT_LITERAL = '\\.';
const PLUS_LITERAL = '\\+';
const QMARK_LITERAL = '\\?';
const SLASH_LITERAL = '\\/';
const ONE_CHAR = '(?=.)';
const QMARK = '[^/]';
const END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
const START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
const DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
const NO_DOT = `(?!${DOT_LITERAL})`;
const NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
const NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
const NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
const QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
const STAR = `${QMARK}*?`;
const SEP = '/';

const POSIX_CHARS = {
  DOT_LITERAL,
  PLUS_LITERAL,
  QMARK_LITERAL,
  SLASH_LITERAL,
  ONE_CHAR,
  QMARK,
  END_ANCHOR,
  DOTS_SLASH,
  NO_DOT,
  NO_DOTS,
  NO_DOT_SLASH,
  NO_DOTS_SLASH,
  QMARK_NO_DOT,
  STAR,
  START_ANCHOR,
  SEP
};

/**
 * Windows glob regex
 */

const WINDOWS_CHARS = {
  ...POSIX_CHARS,

  SLASH_LITERAL: `[${WIN_SLASH}]`,
  QMARK: WIN_NO_SLASH,
  STAR: `${WIN_NO_SLASH}*?`,
  DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
  NO_DOT: `(?!${DOT_LITERAL})`,
  NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
  NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
  NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
  QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
  START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
  END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
  SEP: '\\'
};

/**
 * POSIX Bracket Regex
 */

const POSIX_REGEX_SOURCE = {
  __proto__: null,
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  ascii: '\\x00-\\x7F',
  blank: ' \\t',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '\\x21-\\x7E',
  lower: 'a-z',
  print: '\\x20-\\x7E ',
  punct: '\\-!"#$%&\'()\\*+,./:;<=>?@[\\]^_`{|}~',
  space: ' \\t\\r\\n\\v\\f',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: 'A-Fa-f0-9'
};

module.exports = {
  DEFAULT_MAX_EXTGLOB_RECURSION,
  MAX_LENGTH: 1024 * 64,
  POSIX_REGEX_SOURCE,

  // regular expressions
  REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
  REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
  REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
  REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
  REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
  REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,

  // Replace globs with equivalent patterns to reduce parsing time.
  REPLACEMENTS: {
    __proto__: null,
    '***': '*',
    '**/**': '**',
    '**/**/**': '**'
  },

  // Digits
  CHAR_0: 48, /* 0 */
  CHAR_9: 57, /* 9 */

  // Alphabet chars.
  CHAR_UPPERCASE_A: 65, /* A */
  CHAR_LOWERCASE_A: 97, /* a */
  CHAR_UPPERCASE_Z: 90, /* Z */
  CHAR_LOWERCASE_Z: 122, /* z */

  CHAR_LEFT_PARENTHESES: 40, /* ( */
  CHAR_RIGHT_PARENTHESES: 41, /* ) */

  CHAR_ASTERISK: 42, /* * */

  // Non-alphabetic chars.
  CHAR_AMPERSAND: 38, /* & */
  CHAR_AT: 64, /* @ */
  CHAR_BACKWARD_SLASH: 92, /* \ */
  CHAR_CARRIAGE_RETURN: 13, /* \r */
  CHAR_CIRCUMFLEX_ACCENT: 94, /* ^ */
  CHAR_COLON: 58, /* : */
  CHAR_COMMA: 44, /* , */
  CHAR_DOT: 46, /* . */
  CHAR_DOUBLE_QUOTE: 34, /* " */
  CHAR_EQUAL: 61, /* = */
  CHAR_EXCLAMATION_MARK: 33, /* ! */
  CHAR_FORM_FEED: 12, /* \f */
  CHAR_FORWARD_SLASH: 47, /* / */
  CHAR_GRAVE_ACCENT: 96, /* ` */
  CHAR_HASH: 35, /* # */
  CHAR_HYPHEN_MINUS: 45, /* - */
  CHAR_LEFT_ANGLE_BRACKET: 60, /* < */
  CHAR_LEFT_CURLY_BRACE: 123, /* { */
  CHAR_LEFT_SQUARE_BRACKET: 91, /* [ */
  CHAR_LINE_FEED: 10, /* \n */
  CHAR_NO_BREAK_SPACE: 160, /* \u00A0 */
  CHAR_PERCENT: 37, /* % */
  CHAR_PLUS: 43, /* + */
  CHAR_QUESTION_MARK: 63, /* ? */
  CHAR_RIGHT_ANGLE_BRACKET: 62, /* > */
  CHAR_RIGHT_CURLY_BRACE: 125, /* } */
  CHAR_RIGHT_SQUARE_BRACKET: 93, /* ] */
  CHAR_SEMICOLON: 59, /* ; */
  CHAR_SINGLE_QUOTE: 39, /* ' */
  CHAR_SPACE: 32, /*   */
  CHAR_TAB: 9, /* \t */
  CHAR_UNDERSCORE: 95, /* _ */
  CHAR_VERTICAL_LINE: 124, /* | */
  CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279, /* \uFEFF */

  /**
   * Create EXTGLOB_CHARS
   */

  extglobChars(chars) {
    return {
      '!': { type: 'negate', open: '(?:(?!(?:', close: `))${chars.STAR})` },
      '?': { type: 'qmark', open: '(?:', close: ')?' },
      '+': { type: 'plus', open: '(?:', close: ')+' },
      '*': { type: 'star', open: '(?:', close: ')*' },
      '@': { type: 'at', open: '(?:', close: ')' }
    };
  },

  /**
   * Create GLOB_CHARS
   */

  globChars(win32) {
    return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
  }
};


/***/ }),

/***/ 265:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const constants = __nccwpck_require__(595);
const utils = __nccwpck_require__(59);

/**
 * Constants
 */

const {
  MAX_LENGTH,
  POSIX_REGEX_SOURCE,
  REGEX_NON_SPECIAL_CHARS,
  REGEX_SPECIAL_CHARS_BACKREF,
  REPLACEMENTS
} = constants;

/**
 * Helpers
 */

const expandRange = (args, options) => {
  if (typeof options.expandRange === 'function') {
    return options.expandRange(...args, options);
  }

  args.sort();
  const value = `[${args.join('-')}]`;

  try {
    /* eslint-disable-next-line no-new */
    new RegExp(value);
  } catch (ex) {
    return args.map(v => utils.escapeRegex(v)).join('..');
  }

  return value;
};

/**
 * Create the message for a syntax error
 */

const syntaxError = (type, char) => {
  return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
};

const splitTopLevel = input => {
  const parts = [];
  let bracket = 0;
  let paren = 0;
  let quote = 0;
  let value = '';
  let escaped = false;

  for (const ch of input) {
    if (escaped === true) {
      value += ch;
      escaped = false;
      continue;
    }

    if (ch === '\\') {
      value += ch;
      escaped = true;
      continue;
    }

    if (ch === '"') {
      quote = quote === 1 ? 0 : 1;
      value += ch;
      continue;
    }

    if (quote === 0) {
      if (ch === '[') {
        bracket++;
      } else if (ch === ']' && bracket > 0) {
        bracket--;
      } else if (bracket === 0) {
        if (ch === '(') {
          paren++;
        } else if (ch === ')' && paren > 0) {
          paren--;
        } else if (ch === '|' && paren === 0) {
          parts.push(value);
          value = '';
          continue;
        }
      }
    }

    value += ch;
  }

  parts.push(value);
  return parts;
};

const isPlainBranch = branch => {
  let escaped = false;

  for (const ch of branch) {
    if (escaped === true) {
      escaped = false;
      continue;
    }

    if (ch === '\\') {
      escaped = true;
      continue;
    }

    if (/[?*+@!()[\]{}]/.test(ch)) {
      return false;
    }
  }

  return true;
};

const normalizeSimpleBranch = branch => {
  let value = branch.trim();
  let changed = true;

  while (changed === true) {
    changed = false;

    if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
      value = value.slice(2, -1);
      changed = true;
    }
  }

  if (!isPlainBranch(value)) {
    return;
  }

  return value.replace(/\\(.)/g, '$1');
};

const hasRepeatedCharPrefixOverlap = branches => {
  const values = branches.map(normalizeSimpleBranch).filter(Boolean);

  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) {
      const a = values[i];
      const b = values[j];
      const char = a[0];

      if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
        continue;
      }

      if (a === b || a.startsWith(b) || b.startsWith(a)) {
        return true;
      }
    }
  }

  return false;
};

const parseRepeatedExtglob = (pattern, requireEnd = true) => {
  if ((pattern[0] !== '+' && pattern[0] !== '*') || pattern[1] !== '(') {
    return;
  }

  let bracket = 0;
  let paren = 0;
  let quote = 0;
  let escaped = false;

  for (let i = 1; i < pattern.length; i++) {
    const ch = pattern[i];

    if (escaped === true) {
      escaped = false;
      continue;
    }

    if (ch === '\\') {
      escaped = true;
      continue;
    }

    if (ch === '"') {
      quote = quote === 1 ? 0 : 1;
      continue;
    }

    if (quote === 1) {
      continue;
    }

    if (ch === '[') {
      bracket++;
      continue;
    }

    if (ch === ']' && bracket > 0) {
      bracket--;
      continue;
    }

    if (bracket > 0) {
      continue;
    }

    if (ch === '(') {
      paren++;
      continue;
    }

    if (ch === ')') {
      paren--;

      if (paren === 0) {
        if (requireEnd === true && i !== pattern.length - 1) {
          return;
        }

        return {
          type: pattern[0],
          body: pattern.slice(2, i),
          end: i
        };
      }
    }
  }
};

const buildCharClassStar = chars => {
  const source = chars.length === 1
    ? utils.escapeRegex(chars[0])
    : `[${chars.map(ch => utils.escapeRegex(ch)).join('')}]`;

  return `${source}*`;
};

const getStarExtglobSequenceChars = pattern => {
  let index = 0;
  const chars = [];

  while (index < pattern.length) {
    const match = parseRepeatedExtglob(pattern.slice(index), false);

    if (!match || match.type !== '*') {
      return;
    }

    const branches = splitTopLevel(match.body).map(branch => branch.trim());
    if (branches.length !== 1) {
      return;
    }

    const branch = normalizeSimpleBranch(branches[0]);
    if (!branch || branch.length !== 1) {
      return;
    }

    chars.push(branch);
    index += match.end + 1;
  }

  if (chars.length < 1) {
    return;
  }

  return chars;
};

const repeatedExtglobRecursion = pattern => {
  let depth = 0;
  let value = pattern.trim();
  let match = parseRepeatedExtglob(value);

  while (match) {
    depth++;
    value = match.body.trim();
    match = parseRepeatedExtglob(value);
  }

  return depth;
};

const analyzeRepeatedExtglob = (body, options) => {
  if (options.maxExtglobRecursion === false) {
    return { risky: false };
  }

  const max =
    typeof options.maxExtglobRecursion === 'number'
      ? options.maxExtglobRecursion
      : constants.DEFAULT_MAX_EXTGLOB_RECURSION;

  const branches = splitTopLevel(body).map(branch => branch.trim());

  if (branches.length > 1) {
    if (
      branches.some(branch => branch === '') ||
      branches.some(branch => /^[*?]+$/.test(branch)) ||
      hasRepeatedCharPrefixOverlap(branches)
    ) {
      return { risky: true };
    }
  }

  // A repeated extglob is "risky" (prone to catastrophic backtracking) when a
  // branch is itself a `*(...)` sequence, since that nests an unbounded quantifier
  // inside the outer `+(...)`/`*(...)`. When *every* branch reduces to single
  // characters we can emit one flat, ReDoS-safe character class that preserves the
  // meaning of ALL branches (e.g. `+(*(a)|*(b))` -> `[ab]*`), rather than dropping
  // every branch but the first.
  const safeChars = [];
  let sawStarSequence = false;
  let combinable = true;

  for (const branch of branches) {
    const chars = getStarExtglobSequenceChars(branch);
    if (chars) {
      sawStarSequence = true;
      safeChars.push(...chars);
      continue;
    }

    const literal = normalizeSimpleBranch(branch);
    if (literal && literal.length === 1) {
      safeChars.push(literal);
      continue;
    }

    combinable = false;

    if (repeatedExtglobRecursion(branch) > max) {
      return { risky: true };
    }
  }

  if (sawStarSequence) {
    return combinable
      ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) }
      : { risky: true };
  }

  return { risky: false };
};

/**
 * Parse the given input string.
 * @param {String} input
 * @param {Object} options
 * @return {Object}
 */

const parse = (input, options) => {
  if (typeof input !== 'string') {
    throw new TypeError('Expected a string');
  }

  input = REPLACEMENTS[input] || input;

  const opts = { ...options };
  const max = typeof opts.maxLength === 'number' ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;

  let len = input.length;
  if (len > max) {
    throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
  }

  const bos = { type: 'bos', value: '', output: opts.prepend || '' };
  const tokens = [bos];

  const capture = opts.capture ? '' : '?:';

  // create constants based on platform, for windows or posix
  const PLATFORM_CHARS = constants.globChars(opts.windows);
  const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);

  const {
    DOT_LITERAL,
    PLUS_LITERAL,
    SLASH_LITERAL,
    ONE_CHAR,
    DOTS_SLASH,
    NO_DOT,
    NO_DOT_SLASH,
    NO_DOTS_SLASH,
    QMARK,
    QMARK_NO_DOT,
    STAR,
    START_ANCHOR
  } = PLATFORM_CHARS;

  const globstar = opts => {
    return `(${capture}(?:(?!${START_ANCHOR}${opts.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
  };

  const nodot = opts.dot ? '' : NO_DOT;
  const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
  let star = opts.bash === true ? globstar(opts) : STAR;

  if (opts.capture) {
    star = `(${star})`;
  }

  // minimatch options support
  if (typeof opts.noext === 'boolean') {
    opts.noextglob = opts.noext;
  }

  const state = {
    input,
    index: -1,
    start: 0,
    dot: opts.dot === true,
    consumed: '',
    output: '',
    prefix: '',
    backtrack: false,
    negated: false,
    brackets: 0,
    braces: 0,
    parens: 0,
    quotes: 0,
    globstar: false,
    tokens
  };

  input = utils.removePrefix(input, state);
  len = input.length;

  const extglobs = [];
  const braces = [];
  const stack = [];
  let prev = bos;
  let value;

  /**
   * Tokenizing helpers
   */

  const eos = () => state.index === len - 1;
  const peek = state.peek = (n = 1) => input[state.index + n];
  const advance = state.advance = () => input[++state.index] || '';
  const remaining = () => input.slice(state.index + 1);
  const consume = (value = '', num = 0) => {
    state.consumed += value;
    state.index += num;
  };

  const append = token => {
    state.output += token.output != null ? token.output : token.value;
    consume(token.value);
  };

  const negate = () => {
    let count = 1;

    while (peek() === '!' && (peek(2) !== '(' || peek(3) === '?')) {
      advance();
      state.start++;
      count++;
    }

    if (count % 2 === 0) {
      return false;
    }

    state.negated = true;
    state.start++;
    return true;
  };

  const increment = type => {
    state[type]++;
    stack.push(type);
  };

  const decrement = type => {
    state[type]--;
    stack.pop();
  };

  /**
   * Push tokens onto the tokens array. This helper speeds up
   * tokenizing by 1) helping us avoid backtracking as much as possible,
   * and 2) helping us avoid creating extra tokens when consecutive
   * characters are plain text. This improves performance and simplifies
   * lookbehinds.
   */

  const push = tok => {
    if (prev.type === 'globstar') {
      const isBrace = state.braces > 0 && (tok.type === 'comma' || tok.type === 'brace');
      const isExtglob = tok.extglob === true || (extglobs.length && (tok.type === 'pipe' || tok.type === 'paren'));

      if (tok.type !== 'slash' && tok.type !== 'paren' && !isBrace && !isExtglob) {
        state.output = state.output.slice(0, -prev.output.length);
        prev.type = 'star';
        prev.value = '*';
        prev.output = star;
        state.output += prev.output;
      }
    }

    if (extglobs.length && tok.type !== 'paren') {
      extglobs[extglobs.length - 1].inner += tok.value;
    }

    if (tok.value || tok.output) append(tok);
    if (prev && prev.type === 'text' && tok.type === 'text') {
      prev.output = (prev.output || prev.value) + tok.value;
      prev.value += tok.value;
      return;
    }

    tok.prev = prev;
    tokens.push(tok);
    prev = tok;
  };

  const extglobOpen = (type, value) => {
    const token = { ...EXTGLOB_CHARS[value], conditions: 1, inner: '' };

    token.prev = prev;
    token.parens = state.parens;
    token.output = state.output;
    token.startIndex = state.index;
    token.tokensIndex = tokens.length;
    const output = (opts.capture ? '(' : '') + token.open;

    increment('parens');
    push({ type, value, output: state.output ? '' : ONE_CHAR });
    push({ type: 'paren', extglob: true, value: advance(), output });
    extglobs.push(token);
  };

  const extglobClose = token => {
    const literal = input.slice(token.startIndex, state.index + 1);
    const body = input.slice(token.startIndex + 2, state.index);
    const analysis = analyzeRepeatedExtglob(body, opts);

    if ((token.type === 'plus' || token.type === 'star') && analysis.risky) {
      const safeOutput = analysis.safeOutput
        ? (token.output ? '' : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput)
        : undefined;
      const open = tokens[token.tokensIndex];

      open.type = 'text';
      open.value = literal;
      open.output = safeOutput || utils.escapeRegex(literal);

      for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
        tokens[i].value = '';
        tokens[i].output = '';
        delete tokens[i].suffix;
      }

      state.output = token.output + open.output;
      state.backtrack = true;

      push({ type: 'paren', extglob: true, value, output: '' });
      decrement('parens');
      return;
    }

    let output = token.close + (opts.capture ? ')' : '');
    let rest;

    if (token.type === 'negate') {
      let extglobStar = star;

      if (token.inner && token.inner.length > 1 && token.inner.includes('/')) {
        extglobStar = globstar(opts);
      }

      if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
        output = token.close = `)$))${extglobStar}`;
      }

      if (token.inner.includes('*') && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
        // Any non-magical string (`.ts`) or even nested expression (`.{ts,tsx}`) can follow after the closing parenthesis.
        // In this case, we need to parse the string and use it in the output of the original pattern.
        // Suitable patterns: `/!(*.d).ts`, `/!(*.d).{ts,tsx}`, `**/!(*-dbg).@(js)`.
        //
        // Disabling the `fastpaths` option due to a problem with parsing strings as `.ts` in the pattern like `**/!(*.d).ts`.
        const expression = parse(rest, { ...options, fastpaths: false }).output;

        output = token.close = `)${expression})${extglobStar})`;
      }

      if (token.prev.type === 'bos') {
        state.negatedExtglob = true;
      }
    }

    push({ type: 'paren', extglob: true, value, output });
    decrement('parens');
  };

  /**
   * Fast paths
   */

  if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
    let backslashes = false;

    let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
      if (first === '\\') {
        backslashes = true;
        return m;
      }

      if (first === '?') {
        if (esc) {
          return esc + first + (rest ? QMARK.repeat(rest.length) : '');
        }
        if (index === 0) {
          return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : '');
        }
        return QMARK.repeat(chars.length);
      }

      if (first === '.') {
        return DOT_LITERAL.repeat(chars.length);
      }

      if (first === '*') {
        if (esc) {
          return esc + first + (rest ? star : '');
        }
        return star;
      }
      return esc ? m : `\\${m}`;
    });

    if (backslashes === true) {
      if (opts.unescape === true) {
        output = output.replace(/\\/g, '');
      } else {
        output = output.replace(/\\+/g, m => {
          return m.length % 2 === 0 ? '\\\\' : (m ? '\\' : '');
        });
      }
    }

    if (output === input && opts.contains === true) {
      state.output = input;
      return state;
    }

    state.output = utils.wrapOutput(output, state, options);
    return state;
  }

  /**
   * Tokenize input until we reach end-of-string
   */

  while (!eos()) {
    value = advance();

    if (value === '\u0000') {
      continue;
    }

    /**
     * Escaped characters
     */

    if (value === '\\') {
      const next = peek();

      if (next === '/' && opts.bash !== true) {
        continue;
      }

      if (next === '.' || next === ';') {
        continue;
      }

      if (!next) {
        value += '\\';
        push({ type: 'text', value });
        continue;
      }

      // collapse slashes to reduce potential for exploits
      const match = /^\\+/.exec(remaining());
      let slashes = 0;

      if (match && match[0].length > 2) {
        slashes = match[0].length;
        state.index += slashes;
        if (slashes % 2 !== 0) {
          value += '\\';
        }
      }

      if (opts.unescape === true) {
        value = advance();
      } else {
        value += advance();
      }

      if (state.brackets === 0) {
        push({ type: 'text', value });
        continue;
      }
    }

    /**
     * If we're inside a regex character class, continue
     * until we reach the closing bracket.
     */

    if (state.brackets > 0 && (value !== ']' || prev.value === '[' || prev.value === '[^')) {
      if (opts.posix !== false && value === ':') {
        const inner = prev.value.slice(1);
        if (inner.includes('[')) {
          prev.posix = true;

          if (inner.includes(':')) {
            const idx = prev.value.lastIndexOf('[');
            const pre = prev.value.slice(0, idx);
            const rest = prev.value.slice(idx + 2);
            const posix = POSIX_REGEX_SOURCE[rest];
            if (posix) {
              prev.value = pre + posix;
              state.backtrack = true;
              advance();

              if (!bos.output && tokens.indexOf(prev) === 1) {
                bos.output = ONE_CHAR;
              }
              continue;
            }
          }
        }
      }

      if ((value === '[' && peek() !== ':') || (value === '-' && peek() === ']')) {
        value = `\\${value}`;
      }

      if (value === ']' && (prev.value === '[' || prev.value === '[^')) {
        value = `\\${value}`;
      }

      if (opts.posix === true && value === '!' && prev.value === '[') {
        value = '^';
      }

      prev.value += value;
      append({ value });
      continue;
    }

    /**
     * If we're inside a quoted string, continue
     * until we reach the closing double quote.
     */

    if (state.quotes === 1 && value !== '"') {
      value = utils.escapeRegex(value);
      prev.value += value;
      append({ value });
      continue;
    }

    /**
     * Double quotes
     */

    if (value === '"') {
      state.quotes = state.quotes === 1 ? 0 : 1;
      if (opts.keepQuotes === true) {
        push({ type: 'text', value });
      }
      continue;
    }

    /**
     * Parentheses
     */

    if (value === '(') {
      increment('parens');
      push({ type: 'paren', value });
      continue;
    }

    if (value === ')') {
      if (state.parens === 0 && opts.strictBrackets === true) {
        throw new SyntaxError(syntaxError('opening', '('));
      }

      const extglob = extglobs[extglobs.length - 1];
      if (extglob && state.parens === extglob.parens + 1) {
        extglobClose(extglobs.pop());
        continue;
      }

      push({ type: 'paren', value, output: state.parens ? ')' : '\\)' });
      decrement('parens');
      continue;
    }

    /**
     * Square brackets
     */

    if (value === '[') {
      if (opts.nobracket === true || !remaining().includes(']')) {
        if (opts.nobracket !== true && opts.strictBrackets === true) {
          throw new SyntaxError(syntaxError('closing', ']'));
        }

        value = `\\${value}`;
      } else {
        increment('brackets');
      }

      push({ type: 'bracket', value });
      continue;
    }

    if (value === ']') {
      if (opts.nobracket === true || (prev && prev.type === 'bracket' && prev.value.length === 1)) {
        push({ type: 'text', value, output: `\\${value}` });
        continue;
      }

      if (state.brackets === 0) {
        if (opts.strictBrackets === true) {
          throw new SyntaxError(syntaxError('opening', '['));
        }

        push({ type: 'text', value, output: `\\${value}` });
        continue;
      }

      decrement('brackets');

      const prevValue = prev.value.slice(1);
      if (prev.posix !== true && prevValue[0] === '^' && !prevValue.includes('/')) {
        value = `/${value}`;
      }

      prev.value += value;
      append({ value });

      // when literal brackets are explicitly disabled
      // assume we should match with a regex character class
      if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
        continue;
      }

      const escaped = utils.escapeRegex(prev.value);
      state.output = state.output.slice(0, -prev.value.length);

      // when literal brackets are explicitly enabled
      // assume we should escape the brackets to match literal characters
      if (opts.literalBrackets === true) {
        state.output += escaped;
        prev.value = escaped;
        continue;
      }

      // when the user specifies nothing, try to match both
      prev.value = `(${capture}${escaped}|${prev.value})`;
      state.output += prev.value;
      continue;
    }

    /**
     * Braces
     */

    if (value === '{' && opts.nobrace !== true) {
      increment('braces');

      const open = {
        type: 'brace',
        value,
        output: '(',
        outputIndex: state.output.length,
        tokensIndex: state.tokens.length
      };

      braces.push(open);
      push(open);
      continue;
    }

    if (value === '}') {
      const brace = braces[braces.length - 1];

      if (opts.nobrace === true || !brace) {
        push({ type: 'text', value, output: value });
        continue;
      }

      let output = ')';

      if (brace.dots === true) {
        const arr = tokens.slice();
        const range = [];

        for (let i = arr.length - 1; i >= 0; i--) {
          tokens.pop();
          if (arr[i].type === 'brace') {
            break;
          }
          if (arr[i].type !== 'dots') {
            range.unshift(arr[i].value);
          }
        }

        output = expandRange(range, opts);
        state.backtrack = true;
      }

      if (brace.comma !== true && brace.dots !== true) {
        const out = state.output.slice(0, brace.outputIndex);
        const toks = state.tokens.slice(brace.tokensIndex);
        brace.value = brace.output = '\\{';
        value = output = '\\}';
        state.output = out;
        for (const t of toks) {
          state.output += (t.output || t.value);
        }
      }

      push({ type: 'brace', value, output });
      decrement('braces');
      braces.pop();
      continue;
    }

    /**
     * Pipes
     */

    if (value === '|') {
      if (extglobs.length > 0) {
        extglobs[extglobs.length - 1].conditions++;
      }
      push({ type: 'text', value });
      continue;
    }

    /**
     * Commas
     */

    if (value === ',') {
      let output = value;

      const brace = braces[braces.length - 1];
      if (brace && stack[stack.length - 1] === 'braces') {
        brace.comma = true;
        output = '|';
      }

      push({ type: 'comma', value, output });
      continue;
    }

    /**
     * Slashes
     */

    if (value === '/') {
      // if the beginning of the glob is "./", advance the start
      // to the current index, and don't add the "./" characters
      // to the state. This greatly simplifies lookbehinds when
      // checking for BOS characters like "!" and "." (not "./")
      if (prev.type === 'dot' && state.index === state.start + 1) {
        state.start = state.index + 1;
        state.consumed = '';
        state.output = '';
        tokens.pop();
        prev = bos; // reset "prev" to the first token
        continue;
      }

      push({ type: 'slash', value, output: SLASH_LITERAL });
      continue;
    }

    /**
     * Dots
     */

    if (value === '.') {
      if (state.braces > 0 && prev.type === 'dot') {
        if (prev.value === '.') prev.output = DOT_LITERAL;
        const brace = braces[braces.length - 1];
        prev.type = 'dots';
        prev.output += value;
        prev.value += value;
        brace.dots = true;
        continue;
      }

      if ((state.braces + state.parens) === 0 && prev.type !== 'bos' && prev.type !== 'slash') {
        push({ type: 'text', value, output: DOT_LITERAL });
        continue;
      }

      push({ type: 'dot', value, output: DOT_LITERAL });
      continue;
    }

    /**
     * Question marks
     */

    if (value === '?') {
      const isGroup = prev && prev.value === '(';
      if (!isGroup && opts.noextglob !== true && peek() === '(' && peek(2) !== '?') {
        extglobOpen('qmark', value);
        continue;
      }

      if (prev && prev.type === 'paren') {
        const next = peek();
        let output = value;

        if ((prev.value === '(' && !/[!=<:]/.test(next)) || (next === '<' && !/<([!=]|\w+>)/.test(remaining()))) {
          output = `\\${value}`;
        }

        push({ type: 'text', value, output });
        continue;
      }

      if (opts.dot !== true && (prev.type === 'slash' || prev.type === 'bos')) {
        push({ type: 'qmark', value, output: QMARK_NO_DOT });
        continue;
      }

      push({ type: 'qmark', value, output: QMARK });
      continue;
    }

    /**
     * Exclamation
     */

    if (value === '!') {
      if (opts.noextglob !== true && peek() === '(') {
        if (peek(2) !== '?' || !/[!=<:]/.test(peek(3))) {
          extglobOpen('negate', value);
          continue;
        }
      }

      if (opts.nonegate !== true && state.index === 0) {
        negate();
        continue;
      }
    }

    /**
     * Plus
     */

    if (value === '+') {
      if (opts.noextglob !== true && peek() === '(' && peek(2) !== '?') {
        extglobOpen('plus', value);
        continue;
      }

      if ((prev && prev.value === '(') || opts.regex === false) {
        push({ type: 'plus', value, output: PLUS_LITERAL });
        continue;
      }

      if ((prev && (prev.type === 'bracket' || prev.type === 'paren' || prev.type === 'brace')) || state.parens > 0) {
        push({ type: 'plus', value });
        continue;
      }

      push({ type: 'plus', value: PLUS_LITERAL });
      continue;
    }

    /**
     * Plain text
     */

    if (value === '@') {
      if (opts.noextglob !== true && peek() === '(' && peek(2) !== '?') {
        push({ type: 'at', extglob: true, value, output: '' });
        continue;
      }

      push({ type: 'text', value });
      continue;
    }

    /**
     * Plain text
     */

    if (value !== '*') {
      if (value === '$' || value === '^') {
        value = `\\${value}`;
      }

      const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
      if (match) {
        value += match[0];
        state.index += match[0].length;
      }

      push({ type: 'text', value });
      continue;
    }

    /**
     * Stars
     */

    if (prev && (prev.type === 'globstar' || prev.star === true)) {
      prev.type = 'star';
      prev.star = true;
      prev.value += value;
      prev.output = star;
      state.backtrack = true;
      state.globstar = true;
      consume(value);
      continue;
    }

    let rest = remaining();
    if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
      extglobOpen('star', value);
      continue;
    }

    if (prev.type === 'star') {
      if (opts.noglobstar === true) {
        consume(value);
        continue;
      }

      const prior = prev.prev;
      const before = prior.prev;
      const isStart = prior.type === 'slash' || prior.type === 'bos';
      const afterStar = before && (before.type === 'star' || before.type === 'globstar');

      if (opts.bash === true && (!isStart || (rest[0] && rest[0] !== '/'))) {
        push({ type: 'star', value, output: '' });
        continue;
      }

      const isBrace = state.braces > 0 && (prior.type === 'comma' || prior.type === 'brace');
      const isExtglob = extglobs.length && (prior.type === 'pipe' || prior.type === 'paren');
      if (!isStart && prior.type !== 'paren' && !isBrace && !isExtglob) {
        push({ type: 'star', value, output: '' });
        continue;
      }

      // strip consecutive `/**/`
      while (rest.slice(0, 3) === '/**') {
        const after = input[state.index + 4];
        if (after && after !== '/') {
          break;
        }
        rest = rest.slice(3);
        consume('/**', 3);
      }

      // A globstar followed only by balanced closing parens is at the logical end of patterns like
      // `test(/utils/**)` and `test?(/utils/**)`. Treat it as EOS so the trailing `/**` can match its
      // parent path, except in negated extglobs where that would change the exclusion semantics.
      const isEnd = eos() || (
        state.parens > 0
        && rest === ')'.repeat(state.parens)
        && !extglobs.some(extglob => extglob.type === 'negate')
      );

      if (prior.type === 'bos' && eos()) {
        prev.type = 'globstar';
        prev.value += value;
        prev.output = globstar(opts);
        state.output = prev.output;
        state.globstar = true;
        consume(value);
        continue;
      }

      if (prior.type === 'slash' && prior.prev.type !== 'bos' && !afterStar && isEnd) {
        state.output = state.output.slice(0, -(prior.output + prev.output).length);
        prior.output = `(?:${prior.output}`;

        prev.type = 'globstar';
        prev.output = globstar(opts) + (opts.strictSlashes ? ')' : '|$)');
        prev.value += value;
        state.globstar = true;
        state.output += prior.output + prev.output;
        consume(value);
        continue;
      }

      if (prior.type === 'slash' && prior.prev.type !== 'bos' && rest[0] === '/') {
        const end = rest[1] !== void 0 ? '|$' : '';

        state.output = state.output.slice(0, -(prior.output + prev.output).length);
        prior.output = `(?:${prior.output}`;

        prev.type = 'globstar';
        prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
        prev.value += value;

        state.output += prior.output + prev.output;
        state.globstar = true;

        consume(value + advance());

        push({ type: 'slash', value: '/', output: '' });
        continue;
      }

      if (prior.type === 'bos' && rest[0] === '/') {
        prev.type = 'globstar';
        prev.value += value;
        prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
        state.output = prev.output;
        state.globstar = true;
        consume(value + advance());
        push({ type: 'slash', value: '/', output: '' });
        continue;
      }

      // remove single star from output
      state.output = state.output.slice(0, -prev.output.length);

      // reset previous token to globstar
      prev.type = 'globstar';
      prev.output = globstar(opts);
      prev.value += value;

      // reset output with globstar
      state.output += prev.output;
      state.globstar = true;
      consume(value);
      continue;
    }

    const token = { type: 'star', value, output: star };

    if (opts.bash === true) {
      token.output = '.*?';
      if (prev.type === 'bos' || prev.type === 'slash') {
        token.output = nodot + token.output;
      }
      push(token);
      continue;
    }

    if (prev && (prev.type === 'bracket' || prev.type === 'paren') && opts.regex === true) {
      token.output = value;
      push(token);
      continue;
    }

    if (state.index === state.start || prev.type === 'slash' || prev.type === 'dot') {
      if (prev.type === 'dot') {
        state.output += NO_DOT_SLASH;
        prev.output += NO_DOT_SLASH;

      } else if (opts.dot === true) {
        state.output += NO_DOTS_SLASH;
        prev.output += NO_DOTS_SLASH;

      } else {
        state.output += nodot;
        prev.output += nodot;
      }

      if (peek() !== '*') {
        state.output += ONE_CHAR;
        prev.output += ONE_CHAR;
      }
    }

    push(token);
  }

  while (state.brackets > 0) {
    if (opts.strictBrackets === true) throw new SyntaxError(syntaxError('closing', ']'));
    state.output = utils.escapeLast(state.output, '[');
    decrement('brackets');
  }

  while (state.parens > 0) {
    if (opts.strictBrackets === true) throw new SyntaxError(syntaxError('closing', ')'));
    state.output = utils.escapeLast(state.output, '(');
    decrement('parens');
  }

  while (state.braces > 0) {
    if (opts.strictBrackets === true) throw new SyntaxError(syntaxError('closing', '}'));
    state.output = utils.escapeLast(state.output, '{');
    decrement('braces');
  }

  if (opts.strictSlashes !== true && (prev.type === 'star' || prev.type === 'bracket')) {
    push({ type: 'maybe_slash', value: '', output: `${SLASH_LITERAL}?` });
  }

  // rebuild the output if we had to backtrack at any point
  if (state.backtrack === true) {
    state.output = '';

    for (const token of state.tokens) {
      state.output += token.output != null ? token.output : token.value;

      if (token.suffix) {
        state.output += token.suffix;
      }
    }
  }

  return state;
};

/**
 * Fast paths for creating regular expressions for common glob patterns.
 * This can significantly speed up processing and has very little downside
 * impact when none of the fast paths match.
 */

parse.fastpaths = (input, options) => {
  const opts = { ...options };
  const max = typeof opts.maxLength === 'number' ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
  const len = input.length;
  if (len > max) {
    throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
  }

  input = REPLACEMENTS[input] || input;

  // create constants based on platform, for windows or posix
  const {
    DOT_LITERAL,
    SLASH_LITERAL,
    ONE_CHAR,
    DOTS_SLASH,
    NO_DOT,
    NO_DOTS,
    NO_DOTS_SLASH,
    STAR,
    START_ANCHOR
  } = constants.globChars(opts.windows);

  const nodot = opts.dot ? NO_DOTS : NO_DOT;
  const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
  const capture = opts.capture ? '' : '?:';
  const state = { negated: false, prefix: '' };
  let star = opts.bash === true ? '.*?' : STAR;

  if (opts.capture) {
    star = `(${star})`;
  }

  const globstar = opts => {
    if (opts.noglobstar === true) return star;
    return `(${capture}(?:(?!${START_ANCHOR}${opts.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
  };

  const create = str => {
    switch (str) {
      case '*':
        return `${nodot}${ONE_CHAR}${star}`;

      case '.*':
        return `${DOT_LITERAL}${ONE_CHAR}${star}`;

      case '*.*':
        return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;

      case '*/*':
        return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;

      case '**':
        return nodot + globstar(opts);

      case '**/*':
        return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;

      case '**/*.*':
        return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;

      case '**/.*':
        return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;

      default: {
        const match = /^(.*?)\.(\w+)$/.exec(str);
        if (!match) return;

        const source = create(match[1]);
        if (!source) return;

        return source + DOT_LITERAL + match[2];
      }
    }
  };

  const output = utils.removePrefix(input, state);
  let source = create(output);

  if (source && opts.strictSlashes !== true) {
    source += `${SLASH_LITERAL}?`;
  }

  return source;
};

module.exports = parse;


/***/ }),

/***/ 16:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const scan = __nccwpck_require__(781);
const parse = __nccwpck_require__(265);
const utils = __nccwpck_require__(59);
const constants = __nccwpck_require__(595);
const isObject = val => val && typeof val === 'object' && !Array.isArray(val);

/**
 * Creates a matcher function from one or more glob patterns. The
 * returned function takes a string to match as its first argument,
 * and returns true if the string is a match. The returned matcher
 * function also takes a boolean as the second argument that, when true,
 * returns an object with additional information.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch(glob[, options]);
 *
 * const isMatch = picomatch('*.!(*a)');
 * console.log(isMatch('a.a')); //=> false
 * console.log(isMatch('a.b')); //=> true
 *
 * // For environments without `node.js`, `picomatch/posix` provides you a dependency-free matcher, without automatic OS detection.
 * const picomatch = require('picomatch/posix');
 * // the same API, defaulting to posix paths
 * const isMatch = picomatch('a/*');
 * console.log(isMatch('a\\b')); //=> false
 * console.log(isMatch('a/b')); //=> true
 *
 * // you can still configure the matcher function to accept windows paths
 * const isMatch = picomatch('a/*', { options: windows });
 * console.log(isMatch('a\\b')); //=> true
 * console.log(isMatch('a/b')); //=> true
 * ```
 * @name picomatch
 * @param {String|Array} `globs` One or more glob patterns.
 * @param {Object=} `options`
 * @return {Function=} Returns a matcher function.
 * @api public
 */

const picomatch = (glob, options, returnState = false) => {
  if (Array.isArray(glob)) {
    const fns = glob.map(input => picomatch(input, options, returnState));
    const arrayMatcher = str => {
      for (const isMatch of fns) {
        const state = isMatch(str);
        if (state) return state;
      }
      return false;
    };
    return arrayMatcher;
  }

  const isState = isObject(glob) && glob.tokens && glob.input;

  if (glob === '' || (typeof glob !== 'string' && !isState)) {
    throw new TypeError('Expected pattern to be a non-empty string');
  }

  const opts = options || {};
  const posix = opts.windows;
  const regex = isState
    ? picomatch.compileRe(glob, options)
    : picomatch.makeRe(glob, options, false, true);

  const state = regex.state;
  delete regex.state;

  let isIgnored = () => false;
  if (opts.ignore) {
    const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
    isIgnored = picomatch(opts.ignore, ignoreOpts, returnState);
  }

  const matcher = (input, returnObject = false) => {
    const { isMatch, match, output } = picomatch.test(input, regex, options, { glob, posix });
    const result = { glob, state, regex, posix, input, output, match, isMatch };

    if (typeof opts.onResult === 'function') {
      opts.onResult(result);
    }

    if (isMatch === false) {
      result.isMatch = false;
      return returnObject ? result : false;
    }

    if (isIgnored(input)) {
      if (typeof opts.onIgnore === 'function') {
        opts.onIgnore(result);
      }
      result.isMatch = false;
      return returnObject ? result : false;
    }

    if (typeof opts.onMatch === 'function') {
      opts.onMatch(result);
    }
    return returnObject ? result : true;
  };

  if (returnState) {
    matcher.state = state;
  }

  return matcher;
};

/**
 * Test `input` with the given `regex`. This is used by the main
 * `picomatch()` function to test the input string.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.test(input, regex[, options]);
 *
 * console.log(picomatch.test('foo/bar', /^(?:([^/]*?)\/([^/]*?))$/));
 * // { isMatch: true, match: [ 'foo/', 'foo', 'bar' ], output: 'foo/bar' }
 * ```
 * @param {String} `input` String to test.
 * @param {RegExp} `regex`
 * @return {Object} Returns an object with matching info.
 * @api public
 */

picomatch.test = (input, regex, options, { glob, posix } = {}) => {
  if (typeof input !== 'string') {
    throw new TypeError('Expected input to be a string');
  }

  if (input === '') {
    return { isMatch: false, output: '' };
  }

  const opts = options || {};
  const format = opts.format || (posix ? utils.toPosixSlashes : null);
  let match = input === glob;
  let output = (match && format) ? format(input) : input;

  if (match === false) {
    output = format ? format(input) : input;
    match = output === glob;
  }

  if (match === false || opts.capture === true) {
    if (opts.matchBase === true || opts.basename === true) {
      match = picomatch.matchBase(input, regex, options, posix);
    } else {
      match = regex.exec(output);
    }
  }

  return { isMatch: Boolean(match), match, output };
};

/**
 * Match the basename of a filepath.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.matchBase(input, glob[, options]);
 * console.log(picomatch.matchBase('foo/bar.js', '*.js'); // true
 * ```
 * @param {String} `input` String to test.
 * @param {RegExp|String} `glob` Glob pattern or regex created by [.makeRe](#makeRe).
 * @return {Boolean}
 * @api public
 */

picomatch.matchBase = (input, glob, options, posix = options && options.windows) => {
  const regex = glob instanceof RegExp ? glob : picomatch.makeRe(glob, options);
  return regex.test(utils.basename(input, { windows: posix }));
};

/**
 * Returns true if **any** of the given glob `patterns` match the specified `string`.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.isMatch(string, patterns[, options]);
 *
 * console.log(picomatch.isMatch('a.a', ['b.*', '*.a'])); //=> true
 * console.log(picomatch.isMatch('a.a', 'b.*')); //=> false
 * ```
 * @param {String|Array} str The string to test.
 * @param {String|Array} patterns One or more glob patterns to use for matching.
 * @param {Object} [options] See available [options](#options).
 * @return {Boolean} Returns true if any patterns match `str`
 * @api public
 */

picomatch.isMatch = (str, patterns, options) => picomatch(patterns, options)(str);

/**
 * Parse a glob pattern to create the source string for a regular
 * expression.
 *
 * ```js
 * const picomatch = require('picomatch');
 * const result = picomatch.parse(pattern[, options]);
 * ```
 * @param {String} `pattern`
 * @param {Object} `options`
 * @return {Object} Returns an object with useful properties and output to be used as a regex source string.
 * @api public
 */

picomatch.parse = (pattern, options) => {
  if (Array.isArray(pattern)) return pattern.map(p => picomatch.parse(p, options));
  return parse(pattern, { ...options, fastpaths: false });
};

/**
 * Scan a glob pattern to separate the pattern into segments.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.scan(input[, options]);
 *
 * const result = picomatch.scan('!./foo/*.js');
 * console.log(result);
 * { prefix: '!./',
 *   input: '!./foo/*.js',
 *   start: 3,
 *   base: 'foo',
 *   glob: '*.js',
 *   isBrace: false,
 *   isBracket: false,
 *   isGlob: true,
 *   isExtglob: false,
 *   isGlobstar: false,
 *   negated: true }
 * ```
 * @param {String} `input` Glob pattern to scan.
 * @param {Object} `options`
 * @return {Object} Returns an object with
 * @api public
 */

picomatch.scan = (input, options) => scan(input, options);

/**
 * Compile a regular expression from the `state` object returned by the
 * [parse()](#parse) method.
 *
 * ```js
 * const picomatch = require('picomatch');
 * const state = picomatch.parse('*.js');
 * // picomatch.compileRe(state[, options]);
 *
 * console.log(picomatch.compileRe(state));
 * //=> /^(?:(?!\.)(?=.)[^/]*?\.js)$/
 * ```
 * @param {Object} `state`
 * @param {Object} `options`
 * @param {Boolean} `returnOutput` Intended for implementors, this argument allows you to return the raw output from the parser.
 * @param {Boolean} `returnState` Adds the state to a `state` property on the returned regex. Useful for implementors and debugging.
 * @return {RegExp}
 * @api public
 */

picomatch.compileRe = (state, options, returnOutput = false, returnState = false) => {
  if (returnOutput === true) {
    return state.output;
  }

  const opts = options || {};
  const prepend = opts.contains ? '' : '^';
  const append = opts.contains ? '' : '$';

  let source = `${prepend}(?:${state.output})${append}`;
  if (state && state.negated === true) {
    source = `^(?!${source}).*$`;
  }

  const regex = picomatch.toRegex(source, options);
  if (returnState === true) {
    regex.state = state;
  }

  return regex;
};

/**
 * Create a regular expression from a parsed glob pattern.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.makeRe(state[, options]);
 *
 * const result = picomatch.makeRe('*.js');
 * console.log(result);
 * //=> /^(?:(?!\.)(?=.)[^/]*?\.js)$/
 * ```
 * @param {String} `state` The object returned from the `.parse` method.
 * @param {Object} `options`
 * @param {Boolean} `returnOutput` Implementors may use this argument to return the compiled output, instead of a regular expression. This is not exposed on the options to prevent end-users from mutating the result.
 * @param {Boolean} `returnState` Implementors may use this argument to return the state from the parsed glob with the returned regular expression.
 * @return {RegExp} Returns a regex created from the given pattern.
 * @api public
 */

picomatch.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
  if (!input || typeof input !== 'string') {
    throw new TypeError('Expected a non-empty string');
  }

  let parsed = { negated: false, fastpaths: true };

  if (options.fastpaths !== false && (input[0] === '.' || input[0] === '*')) {
    parsed.output = parse.fastpaths(input, options);
  }

  if (!parsed.output) {
    parsed = parse(input, options);
  }

  return picomatch.compileRe(parsed, options, returnOutput, returnState);
};

/**
 * Create a regular expression from the given regex source string.
 *
 * ```js
 * const picomatch = require('picomatch');
 * // picomatch.toRegex(source[, options]);
 *
 * const { output } = picomatch.parse('*.js');
 * console.log(picomatch.toRegex(output));
 * //=> /^(?:(?!\.)(?=.)[^/]*?\.js)$/
 * ```
 * @param {String} `source` Regular expression source string.
 * @param {Object} `options`
 * @return {RegExp}
 * @api public
 */

picomatch.toRegex = (source, options) => {
  try {
    const opts = options || {};
    return new RegExp(source, opts.flags || (opts.nocase ? 'i' : ''));
  } catch (err) {
    if (options && options.debug === true) throw err;
    return /$^/;
  }
};

/**
 * Picomatch constants.
 * @return {Object}
 */

picomatch.constants = constants;

/**
 * Expose "picomatch"
 */

module.exports = picomatch;


/***/ }),

/***/ 781:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const utils = __nccwpck_require__(59);
const {
  CHAR_ASTERISK,             /* * */
  CHAR_AT,                   /* @ */
  CHAR_BACKWARD_SLASH,       /* \ */
  CHAR_COMMA,                /* , */
  CHAR_DOT,                  /* . */
  CHAR_EXCLAMATION_MARK,     /* ! */
  CHAR_FORWARD_SLASH,        /* / */
  CHAR_LEFT_CURLY_BRACE,     /* { */
  CHAR_LEFT_PARENTHESES,     /* ( */
  CHAR_LEFT_SQUARE_BRACKET,  /* [ */
  CHAR_PLUS,                 /* + */
  CHAR_QUESTION_MARK,        /* ? */
  CHAR_RIGHT_CURLY_BRACE,    /* } */
  CHAR_RIGHT_PARENTHESES,    /* ) */
  CHAR_RIGHT_SQUARE_BRACKET  /* ] */
} = __nccwpck_require__(595);

const isPathSeparator = code => {
  return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
};

const depth = token => {
  if (token.isPrefix !== true) {
    token.depth = token.isGlobstar ? Infinity : 1;
  }
};

/**
 * Quickly scans a glob pattern and returns an object with a handful of
 * useful properties, like `isGlob`, `path` (the leading non-glob, if it exists),
 * `glob` (the actual pattern), `negated` (true if the path starts with `!` but not
 * with `!(`) and `negatedExtglob` (true if the path starts with `!(`).
 *
 * ```js
 * const pm = require('picomatch');
 * console.log(pm.scan('foo/bar/*.js'));
 * { isGlob: true, input: 'foo/bar/*.js', base: 'foo/bar', glob: '*.js' }
 * ```
 * @param {String} `str`
 * @param {Object} `options`
 * @return {Object} Returns an object with tokens and regex source string.
 * @api public
 */

const scan = (input, options) => {
  const opts = options || {};

  const length = input.length - 1;
  const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
  const slashes = [];
  const tokens = [];
  const parts = [];

  let str = input;
  let index = -1;
  let start = 0;
  let lastIndex = 0;
  let isBrace = false;
  let isBracket = false;
  let isGlob = false;
  let isExtglob = false;
  let isGlobstar = false;
  let braceEscaped = false;
  let backslashes = false;
  let negated = false;
  let negatedExtglob = false;
  let finished = false;
  let braces = 0;
  let prev;
  let code;
  let token = { value: '', depth: 0, isGlob: false };

  const eos = () => index >= length;
  const peek = () => str.charCodeAt(index + 1);
  const advance = () => {
    prev = code;
    return str.charCodeAt(++index);
  };

  while (index < length) {
    code = advance();
    let next;

    if (code === CHAR_BACKWARD_SLASH) {
      backslashes = token.backslashes = true;
      code = advance();

      if (code === CHAR_LEFT_CURLY_BRACE) {
        braceEscaped = true;
      }
      continue;
    }

    if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
      braces++;

      while (eos() !== true && (code = advance())) {
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          advance();
          continue;
        }

        if (code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          continue;
        }

        if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
          isBrace = token.isBrace = true;
          isGlob = token.isGlob = true;
          finished = true;

          if (scanToEnd === true) {
            continue;
          }

          break;
        }

        if (braceEscaped !== true && code === CHAR_COMMA) {
          isBrace = token.isBrace = true;
          isGlob = token.isGlob = true;
          finished = true;

          if (scanToEnd === true) {
            continue;
          }

          break;
        }

        if (code === CHAR_RIGHT_CURLY_BRACE) {
          braces--;

          if (braces === 0) {
            braceEscaped = false;
            isBrace = token.isBrace = true;
            finished = true;
            break;
          }
        }
      }

      if (scanToEnd === true) {
        continue;
      }

      break;
    }

    if (code === CHAR_FORWARD_SLASH) {
      slashes.push(index);
      tokens.push(token);
      token = { value: '', depth: 0, isGlob: false };

      if (finished === true) continue;
      if (prev === CHAR_DOT && index === (start + 1)) {
        start += 2;
        continue;
      }

      lastIndex = index + 1;
      continue;
    }

    if (opts.noext !== true) {
      const isExtglobChar = code === CHAR_PLUS
        || code === CHAR_AT
        || code === CHAR_ASTERISK
        || code === CHAR_QUESTION_MARK
        || code === CHAR_EXCLAMATION_MARK;

      if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
        isGlob = token.isGlob = true;
        isExtglob = token.isExtglob = true;
        finished = true;
        if (code === CHAR_EXCLAMATION_MARK && index === start) {
          negatedExtglob = true;
        }

        if (scanToEnd === true) {
          let parens = 0;

          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }

            if (code === CHAR_LEFT_PARENTHESES) {
              parens++;
              continue;
            }

            if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
              finished = true;
              break;
            }
          }
          continue;
        }
        break;
      }
    }

    if (code === CHAR_ASTERISK) {
      if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
      isGlob = token.isGlob = true;
      finished = true;

      if (scanToEnd === true) {
        continue;
      }
      break;
    }

    if (code === CHAR_QUESTION_MARK) {
      isGlob = token.isGlob = true;
      finished = true;

      if (scanToEnd === true) {
        continue;
      }
      break;
    }

    if (code === CHAR_LEFT_SQUARE_BRACKET) {
      while (eos() !== true && (next = advance())) {
        if (next === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          advance();
          continue;
        }

        if (next === CHAR_RIGHT_SQUARE_BRACKET) {
          isBracket = token.isBracket = true;
          isGlob = token.isGlob = true;
          finished = true;
          break;
        }
      }

      if (scanToEnd === true) {
        continue;
      }

      break;
    }

    if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
      negated = token.negated = true;
      start++;
      continue;
    }

    if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
      isGlob = token.isGlob = true;

      if (scanToEnd === true) {
        let parens = 1;

        while (eos() !== true && (code = advance())) {
          if (code === CHAR_BACKWARD_SLASH) {
            backslashes = token.backslashes = true;
            advance();
            continue;
          }

          if (code === CHAR_LEFT_PARENTHESES) {
            parens++;
            continue;
          }

          if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
            finished = true;
            break;
          }
        }
        continue;
      }
      break;
    }

    if (isGlob === true) {
      finished = true;

      if (scanToEnd === true) {
        continue;
      }

      break;
    }
  }

  if (opts.noext === true) {
    isExtglob = false;
    isGlob = false;
  }

  let base = str;
  let prefix = '';
  let glob = '';

  if (start > 0) {
    prefix = str.slice(0, start);
    str = str.slice(start);
    lastIndex -= start;
  }

  if (base && isGlob === true && lastIndex > 0) {
    base = str.slice(0, lastIndex);
    glob = str.slice(lastIndex);
  } else if (isGlob === true) {
    base = '';
    glob = str;
  } else {
    base = str;
  }

  if (base && base !== '' && base !== '/' && base !== str) {
    if (isPathSeparator(base.charCodeAt(base.length - 1))) {
      base = base.slice(0, -1);
    }
  }

  if (opts.unescape === true) {
    if (glob) glob = utils.removeBackslashes(glob);

    if (base && backslashes === true) {
      base = utils.removeBackslashes(base);
    }
  }

  const state = {
    prefix,
    input,
    start,
    base,
    glob,
    isBrace,
    isBracket,
    isGlob,
    isExtglob,
    isGlobstar,
    negated,
    negatedExtglob
  };

  if (opts.tokens === true) {
    state.maxDepth = 0;
    if (!isPathSeparator(code)) {
      tokens.push(token);
    }
    state.tokens = tokens;
  }

  if (opts.parts === true || opts.tokens === true) {
    let prevIndex;

    for (let idx = 0; idx < slashes.length; idx++) {
      const n = prevIndex !== undefined ? prevIndex + 1 : start;
      const i = slashes[idx];
      const value = input.slice(n, i);
      if (opts.tokens) {
        if (idx === 0 && start !== 0) {
          tokens[idx].isPrefix = true;
          tokens[idx].value = prefix;
        } else {
          tokens[idx].value = value;
        }
        depth(tokens[idx]);
        state.maxDepth += tokens[idx].depth;
      }
      if (i >= start) {
        parts.push(value);
        prevIndex = i;
      }
    }

    const n = prevIndex !== undefined ? prevIndex + 1 : start;
    const value = input.slice(n);
    parts.push(value);

    if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
      tokens[tokens.length - 1].value = value;
      depth(tokens[tokens.length - 1]);
      state.maxDepth += tokens[tokens.length - 1].depth;
    }

    state.slashes = slashes;
    state.parts = parts;
  }

  return state;
};

module.exports = scan;


/***/ }),

/***/ 59:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

/*global navigator*/


const {
  REGEX_BACKSLASH,
  REGEX_REMOVE_BACKSLASH,
  REGEX_SPECIAL_CHARS,
  REGEX_SPECIAL_CHARS_GLOBAL
} = __nccwpck_require__(595);

exports.isObject = val => val !== null && typeof val === 'object' && !Array.isArray(val);
exports.hasRegexChars = str => REGEX_SPECIAL_CHARS.test(str);
exports.isRegexChar = str => str.length === 1 && exports.hasRegexChars(str);
exports.escapeRegex = str => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, '\\$1');
exports.toPosixSlashes = str => str.replace(REGEX_BACKSLASH, '/');

exports.isWindows = () => {
  if (typeof navigator !== 'undefined' && navigator.platform) {
    const platform = navigator.platform.toLowerCase();
    return platform === 'win32' || platform === 'windows';
  }

  if (typeof process !== 'undefined' && process.platform) {
    return process.platform === 'win32';
  }

  return false;
};

exports.removeBackslashes = str => {
  return str.replace(REGEX_REMOVE_BACKSLASH, match => {
    return match === '\\' ? '' : match;
  });
};

exports.escapeLast = (input, char, lastIdx) => {
  const idx = input.lastIndexOf(char, lastIdx);
  if (idx === -1) return input;
  if (input[idx - 1] === '\\') return exports.escapeLast(input, char, idx - 1);
  return `${input.slice(0, idx)}\\${input.slice(idx)}`;
};

exports.removePrefix = (input, state = {}) => {
  let output = input;
  if (output.startsWith('./')) {
    output = output.slice(2);
    state.prefix = './';
  }
  return output;
};

exports.wrapOutput = (input, state = {}, options = {}) => {
  const prepend = options.contains ? '' : '^';
  const append = options.contains ? '' : '$';

  let output = `${prepend}(?:${input})${append}`;
  if (state.negated === true) {
    output = `(?:^(?!${output}).*$)`;
  }
  return output;
};

exports.basename = (path, { windows } = {}) => {
  const segs = path.split(windows ? /[\\/]/ : '/');
  const last = segs[segs.length - 1];

  if (last === '') {
    return segs[segs.length - 2];
  }

  return last;
};


/***/ }),

/***/ 208:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  xw: () => (/* binding */ cli)
});

// UNUSED EXPORTS: VERSION, stderrLogger

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/engine/errors.ts
/** Exit status 2: refused before anything was touched. The message names the problem. */
class InputError extends Error {
    name = 'InputError';
}
/** A git command failed; carries what git said so reports never show a bare exit status. */
class GitError extends Error {
    args;
    exitCode;
    stderr;
    name = 'GitError';
    constructor(args, exitCode, stderr) {
        super(`git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim() || 'no message'}`);
        this.args = args;
        this.exitCode = exitCode;
        this.stderr = stderr;
    }
}

;// CONCATENATED MODULE: ./src/plan/plan.ts
/** Walking-skeleton plan: every priority in one wave, no analysis yet. */
async function buildPlan(settings) {
    const tasks = settings.priorities.map((priority) => ({
        priority,
        spec_files: [],
        paths: [],
        after: [],
        skip_reason: null,
        notes: []
    }));
    return {
        tasks,
        separation: {
            valid: true,
            independent_pairs: [],
            conflicts: {},
            task_file_map: Object.fromEntries(settings.priorities.map((p) => [String(p), []])),
            unresolved: [],
            schedule: [settings.priorities.slice()]
        }
    };
}

;// CONCATENATED MODULE: ./src/merge/merge-engine.ts
function mergeMessage(priority) {
    return `Merge PRIORITY ${priority} from parallel execution`;
}
/**
 * Merges branches into the base branch in the object store (merge-tree, commit-tree,
 * compare-and-swap update-ref): no checkout is touched, so a conflict leaves nothing behind.
 * Calls are serialised: one merge at a time, each on the tip the previous one left.
 */
class MergeEngine {
    git;
    baseBranch;
    logger;
    queue = Promise.resolve();
    constructor(git, baseBranch, logger) {
        this.git = git;
        this.baseBranch = baseBranch;
        this.logger = logger;
    }
    merge(branch, priority) {
        const next = this.queue.then(() => this.mergeNow(branch, priority));
        this.queue = next.catch(() => undefined);
        return next;
    }
    /** Deletes a branch whose work is in base (checked first: a branch is never lost). */
    async deleteMergedBranch(branch) {
        const tip = await this.git.resolveCommit(`refs/heads/${branch}`);
        if (tip && (await this.git.isAncestor(tip, `refs/heads/${this.baseBranch}`))) {
            await this.git.exec(['update-ref', '-d', `refs/heads/${branch}`, tip]);
        }
    }
    async mergeNow(branch, priority) {
        const baseRef = `refs/heads/${this.baseBranch}`;
        try {
            const base = await this.git.run(['rev-parse', '--verify', `${baseRef}^{commit}`]);
            const tip = await this.git.run(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`]);
            const tree = await this.git.exec(['merge-tree', '--write-tree', '--name-only', '-z', base, tip], {
                okExitCodes: [1]
            });
            const [treeId, ...rest] = tree.stdout.split('\0');
            if (tree.exitCode === 1) {
                const files = rest.slice(0, rest.indexOf('') === -1 ? undefined : rest.indexOf(''));
                return { outcome: 'conflict', commit: null, conflictFiles: files, error: null };
            }
            const identity = await this.git.identityEnv();
            const commit = await this.git.run(['commit-tree', treeId, '-p', base, '-p', tip, '-m', mergeMessage(priority)], { env: identity });
            await this.git.run(['update-ref', '-m', mergeMessage(priority), baseRef, commit, base]);
            this.logger.info(`Merged ${branch} into ${this.baseBranch} (${commit.slice(0, 12)})`);
            return { outcome: 'merged', commit, conflictFiles: [], error: null };
        }
        catch (error) {
            return {
                outcome: 'failed',
                commit: null,
                conflictFiles: [],
                error: String(error.message)
            };
        }
    }
}

// EXTERNAL MODULE: ./node_modules/systeminformation/lib/index.js
var lib = __nccwpck_require__(754);
var lib_default = /*#__PURE__*/__nccwpck_require__.n(lib);
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/inputs/priorities.ts

const MAX_PRIORITIES = 256;
const NUMBER = /^[0-9]+$/;
const RANGE = /^([0-9]+)-([0-9]+)$/;
/**
 * Priority IDs from text: positive integers separated by commas, spaces or newlines, and
 * ranges `65-67`. Duplicates are dropped, order is kept. Anything else is refused with a
 * message naming the bad token.
 */
function parsePriorities(text) {
    const tokens = text.split(/[\s,]+/).filter((token) => token.length > 0);
    if (tokens.length === 0) {
        throw new InputError('priorities: no priority given (expected IDs like "65, 66" or "65-67")');
    }
    const seen = new Set();
    const add = (id, token) => {
        if (!Number.isSafeInteger(id) || id <= 0) {
            throw new InputError(`priorities: "${token}" is not a positive priority ID`);
        }
        seen.add(id);
        if (seen.size > MAX_PRIORITIES) {
            throw new InputError(`priorities: more than ${MAX_PRIORITIES} priority IDs given (the limit of one run, and of a matrix)`);
        }
    };
    for (const token of tokens) {
        if (NUMBER.test(token)) {
            add(Number(token), token);
            continue;
        }
        const range = RANGE.exec(token);
        if (!range) {
            throw new InputError(`priorities: "${shorten(token)}" is not a priority ID (expected positive integers or ranges like 65-67)`);
        }
        const [from, to] = [Number(range[1]), Number(range[2])];
        if (from <= 0 || to < from) {
            throw new InputError(`priorities: range "${token}" must go up from a positive ID`);
        }
        if (to - from >= MAX_PRIORITIES) {
            throw new InputError(`priorities: range "${token}" has more than ${MAX_PRIORITIES} priority IDs (the limit of one run)`);
        }
        for (let id = from; id <= to; id++)
            add(id, token);
    }
    return [...seen];
}
/** Keeps error messages readable when the bad token is huge. */
function shorten(text, max = 60) {
    const printable = JSON.stringify(text).slice(1, -1);
    return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

;// CONCATENATED MODULE: ./src/git/ref-names.ts


/**
 * Why `name` is not a valid branch name (git check-ref-format's rules, plus a conservative
 * character set so that no branch name can carry shell syntax), or null when it is valid.
 */
function branchNameProblem(name) {
    if (name.length === 0)
        return 'it is empty';
    if (name.length > 200)
        return 'it is longer than 200 characters';
    if (!/^[A-Za-z0-9._/+-]+$/.test(name)) {
        return 'only letters, digits and . _ / + - are allowed in branch names here';
    }
    if (name.startsWith('-'))
        return 'it starts with "-"';
    if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
        return 'it has an empty path component ("/" at an end, or "//")';
    }
    if (name.includes('..'))
        return 'it contains ".."';
    if (name.endsWith('.'))
        return 'it ends with "."';
    if (name === '@' || name === 'HEAD')
        return `"${name}" is reserved`;
    for (const part of name.split('/')) {
        if (part.startsWith('.'))
            return `the component "${part}" starts with "."`;
        if (part.endsWith('.lock'))
            return `the component "${part}" ends with ".lock"`;
    }
    return null;
}
function assertBranchName(name, what) {
    const problem = branchNameProblem(name);
    if (problem)
        throw new InputError(`${what}: "${shorten(name)}" is not a valid branch name: ${problem}`);
}
const PLACEHOLDER = /\{priority(?::0?(\d+)d)?\}/g;
/** `feature/us-{priority:03d}` with 7 gives `feature/us-007`. */
function renderBranchTemplate(template, priority) {
    return template.replace(PLACEHOLDER, (_match, width) => String(priority).padStart(width ? Number(width) : 0, '0'));
}
/** Refuses a template that cannot give one valid, distinct branch per priority. */
function validateBranchTemplate(template, priorities) {
    if (!template.match(PLACEHOLDER)) {
        throw new InputError(`branch-template: "${shorten(template)}" has no {priority} placeholder, so every priority would get the same branch`);
    }
    if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) {
        throw new InputError(`branch-template: "${shorten(template)}" has a placeholder other than {priority} or {priority:0Nd}`);
    }
    for (const priority of priorities) {
        assertBranchName(renderBranchTemplate(template, priority), 'branch-template');
    }
}

;// CONCATENATED MODULE: ./src/inputs/input-definitions.ts
/**
 * Every input of the action, with its default: the one list the action, the CLI and the
 * validation read (a test checks action.yml against it).
 */
const INPUT_DEFAULTS = {
    mode: 'run',
    priorities: '',
    'base-branch': 'roadmap',
    'agent-command': 'poetry run code-developer --priority={priority}',
    'max-parallel': '2',
    separation: 'waves',
    'specs-dir': 'docs/architecture/specs',
    'roadmap-file': 'docs/roadmap/ROADMAP.md',
    'branch-template': 'feature/us-{priority:03d}',
    'worktree-dir': '..',
    'worktree-files': '',
    'setup-command': '',
    'task-timeout-minutes': '60',
    'max-cpu-percent': '80',
    'max-memory-percent': '80',
    'auto-commit': 'true',
    merge: 'true',
    push: 'false',
    cleanup: 'true',
    'pr-comment': 'true',
    'pr-number': '',
    'github-token': '',
    'log-dir': ''
};
const INPUT_NAMES = Object.keys(INPUT_DEFAULTS);

;// CONCATENATED MODULE: ./src/inputs/settings.ts






const MODES = ['run', 'plan', 'task', 'merge'];
const SEPARATIONS = ['strict', 'waves', 'off'];
const MAX_PARALLEL = 32;
/** setTimeout overflows past 24.8 days; a week is already far beyond any agent run. */
const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;
/**
 * Validates every input at once, before anything is touched: the first problem found is
 * thrown as an InputError naming the input and the bad value.
 */
function parseSettings(raw, repo, env = process.env) {
    const get = (name) => {
        const value = raw[name];
        return value === undefined || value.trim() === '' ? INPUT_DEFAULTS[name] : value.trim();
    };
    for (const [name, value] of Object.entries(raw)) {
        if (value?.includes('\0'))
            throw new InputError(`${name}: contains a NUL character`);
    }
    const mode = oneOf(get('mode'), MODES, 'mode');
    const priorities = parsePriorities(raw.priorities ?? '');
    const baseBranch = get('base-branch');
    assertBranchName(baseBranch, 'base-branch');
    const branchTemplate = get('branch-template');
    validateBranchTemplate(branchTemplate, priorities);
    const agentCommand = get('agent-command');
    return {
        mode,
        repo,
        priorities,
        baseBranch,
        agentCommand,
        maxParallel: parseMaxParallel(get('max-parallel')),
        separation: oneOf(get('separation'), SEPARATIONS, 'separation'),
        specsDir: repoPath(get('specs-dir'), 'specs-dir'),
        roadmapFile: repoPath(get('roadmap-file'), 'roadmap-file'),
        branchTemplate,
        worktreeDir: plainPath(get('worktree-dir'), 'worktree-dir'),
        worktreeFiles: parseWorktreeFiles(raw['worktree-files'] ?? ''),
        setupCommand: (raw['setup-command'] ?? '').trim(),
        taskTimeoutMs: Math.round(parseNumber(get('task-timeout-minutes'), 'task-timeout-minutes', 0, MAX_TIMEOUT_MINUTES) *
            60_000),
        maxCpuPercent: parseNumber(get('max-cpu-percent'), 'max-cpu-percent', 1, 100),
        maxMemoryPercent: parseNumber(get('max-memory-percent'), 'max-memory-percent', 1, 100),
        autoCommit: parseBoolean(get('auto-commit'), 'auto-commit'),
        merge: parseBoolean(get('merge'), 'merge'),
        push: parseBoolean(get('push'), 'push'),
        cleanup: parseBoolean(get('cleanup'), 'cleanup'),
        prComment: parseBoolean(get('pr-comment'), 'pr-comment'),
        prNumber: parsePrNumber(raw['pr-number'] ?? ''),
        githubToken: (raw['github-token'] ?? '').trim(),
        logDir: (raw['log-dir'] ?? '').trim()
            ? plainPath((raw['log-dir'] ?? '').trim(), 'log-dir')
            : defaultLogDir(env)
    };
}
function defaultLogDir(env) {
    const runId = env.GITHUB_RUN_ID
        ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`
        : new Date().toISOString().replace(/[:.]/g, '-');
    return (0,external_node_path_namespaceObject.join)(env.RUNNER_TEMP || (0,external_node_os_namespaceObject.tmpdir)(), 'parallel-worktree-logs', runId);
}
function oneOf(value, allowed, name) {
    if (allowed.includes(value))
        return value;
    throw new InputError(`${name}: "${shorten(value)}" is not one of ${allowed.join(', ')}`);
}
function parseNumber(text, name, min, max) {
    const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new InputError(`${name}: "${shorten(text)}" is not a number from ${min} to ${max}`);
    }
    return value;
}
function parseMaxParallel(text) {
    if (text === 'auto')
        return 'auto';
    if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > MAX_PARALLEL) {
        throw new InputError(`max-parallel: "${shorten(text)}" is not a whole number from 1 to ${MAX_PARALLEL}, or auto`);
    }
    return Number(text);
}
/** The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(text, name) {
    if (['true', 'True', 'TRUE'].includes(text))
        return true;
    if (['false', 'False', 'FALSE'].includes(text))
        return false;
    throw new InputError(`${name}: "${shorten(text)}" is not true or false`);
}
function parsePrNumber(text) {
    const value = text.trim();
    if (!value)
        return null;
    if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
        throw new InputError(`pr-number: "${shorten(value)}" is not a pull request or issue number`);
    }
    return Number(value);
}
function plainPath(text, name) {
    if (/[\r\n]/.test(text))
        throw new InputError(`${name}: "${shorten(text)}" spans several lines`);
    return text;
}
/** A path inside the repository: relative, without `..` escapes. */
function repoPath(text, name) {
    plainPath(text, name);
    const normalised = text.replace(/\\/g, '/').replace(/\/+$/, '');
    if ((0,external_node_path_namespaceObject.isAbsolute)(text) || /^[A-Za-z]:/.test(text) || normalised.split('/').includes('..')) {
        throw new InputError(`${name}: "${shorten(text)}" must be a path inside the repository`);
    }
    return normalised.replace(/^\.\//, '');
}
function parseWorktreeFiles(text) {
    const globs = text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
    for (const glob of globs)
        repoPath(glob, 'worktree-files');
    return globs;
}

;// CONCATENATED MODULE: ./src/run/resource-monitor.ts


const sampleSystem = async () => {
    const [load, memory] = await Promise.all([lib_default().currentLoad(), lib_default().mem()]);
    return {
        cpuPercent: load.currentLoad,
        memoryPercent: memory.total > 0 ? ((memory.total - memory.available) / memory.total) * 100 : 0
    };
};
/** Why a new agent may not start now, or null when it may. */
function resourceVerdict(sample, limits) {
    if (sample.cpuPercent > limits.maxCpuPercent) {
        return `CPU at ${sample.cpuPercent.toFixed(0)}% (limit ${limits.maxCpuPercent}%)`;
    }
    if (sample.memoryPercent > limits.maxMemoryPercent) {
        return `memory at ${sample.memoryPercent.toFixed(0)}% (limit ${limits.maxMemoryPercent}%)`;
    }
    return null;
}
/**
 * The gate consulted before every start (the seed's monitor never was). While a limit is
 * exceeded it samples again every `intervalMs` and says, once per change, why it waits.
 */
class ResourceGate {
    limits;
    logger;
    sampler;
    intervalMs;
    lastReason = null;
    constructor(limits, logger, sampler = sampleSystem, intervalMs = 2000) {
        this.limits = limits;
        this.logger = logger;
        this.sampler = sampler;
        this.intervalMs = intervalMs;
    }
    /** Null when a start may go ahead, else the reason to wait. */
    async check() {
        let reason;
        try {
            reason = resourceVerdict(await this.sampler(), this.limits);
        }
        catch (error) {
            // A machine we cannot measure must not stop the run.
            this.logger.debug(`resource sample failed: ${error.message}`);
            reason = null;
        }
        if (reason && reason !== this.lastReason)
            this.logger.info(`Waiting to start: ${reason}`);
        if (!reason && this.lastReason)
            this.logger.info('Resources available again');
        this.lastReason = reason;
        return reason;
    }
}
/** `max-parallel: auto`: one agent per core, and about 2 GiB of available memory per agent. */
async function autoParallelism() {
    const [cpu, memory] = await Promise.all([lib_default().cpu(), lib_default().mem()]);
    const byCores = Math.max(1, cpu.cores);
    const byMemory = Math.max(1, Math.floor(memory.available / (2 * 1024 ** 3)));
    return Math.min(MAX_PARALLEL, byCores, byMemory);
}

;// CONCATENATED MODULE: ./src/run/scheduler.ts
/**
 * Starts tasks in input order as soon as their `after` priorities have settled, keeping at
 * most `maxParallel` running and consulting the resource gate before each start. It wakes on
 * completions (events), and only re-samples resources on a timer while a start is held back.
 */
async function runSchedule(tasks, options) {
    const known = new Set(tasks.map((task) => task.priority));
    const settled = new Set();
    const running = new Map();
    const waiting = [...tasks];
    const aborted = new Promise((resolve) => {
        if (options.signal?.aborted)
            resolve();
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    const maxIdleWaitMs = options.maxIdleWaitMs ?? 10 * 60_000;
    let heldSince = null;
    while (!options.signal?.aborted) {
        const next = waiting.find((task) => task.after.every((priority) => settled.has(priority) || !known.has(priority)));
        if (!next && running.size === 0)
            break;
        if (next && running.size < options.maxParallel) {
            const reason = options.gate ? await options.gate.check() : null;
            const idleTooLong = running.size === 0 && heldSince !== null && Date.now() - heldSince >= maxIdleWaitMs;
            if (!reason || idleTooLong) {
                if (reason)
                    options.logger.warning(`Starting priority ${next.priority} anyway: ${reason}, and nothing else of this run is running`);
                heldSince = null;
                waiting.splice(waiting.indexOf(next), 1);
                running.set(next.priority, options.start(next.priority).finally(() => {
                    running.delete(next.priority);
                    settled.add(next.priority);
                }));
                continue;
            }
            heldSince ??= Date.now();
            await Promise.race([...running.values(), aborted, delay(options.gate.intervalMs)]);
            continue;
        }
        await Promise.race([...running.values(), aborted]);
    }
    await Promise.allSettled(running.values());
    return { notStarted: waiting.map((task) => task.priority) };
}
function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/run/agent-command.ts

/** POSIX single quotes: the value reaches the command as one word, whatever it holds. */
function shellQuote(value) {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}
/**
 * The workflow author's command with {priority}, {branch}, {worktree} and {base} replaced by
 * quoted values. Other braces (`${HOME}`, awk programs) are left as the author wrote them.
 */
function renderAgentCommand(template, values) {
    const byName = {
        priority: String(values.priority),
        branch: values.branch,
        worktree: values.worktree,
        base: values.base
    };
    return template.replace(/\{(priority|branch|worktree|base)\}/g, (_m, name) => shellQuote(byName[name]));
}
/** The environment variables that carry the same values. */
function agentVariables(values) {
    return {
        PRIORITY_ID: String(values.priority),
        BRANCH_NAME: values.branch,
        WORKTREE_PATH: values.worktree,
        BASE_BRANCH: values.base
    };
}
let cachedShell;
/** bash where there is one (the contract's `bash -c`), sh otherwise. */
function commandShell() {
    cachedShell ??=
        ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash'].find(external_node_fs_namespaceObject.existsSync) ?? '/bin/sh';
    return cachedShell;
}

;// CONCATENATED MODULE: ./src/run/agent-env.ts
/**
 * The agents' environment: the step's own, minus anything that could carry the action's
 * secrets (every INPUT_* and ACTIONS_* variable, and any variable holding the token's value,
 * whatever its name). Agents run code the workflow author did not write; they get no token.
 */
const WITHHELD_PREFIXES = ['INPUT_', 'ACTIONS_'];
function agentEnvironment(parent, token, extra) {
    const env = {};
    for (const [name, value] of Object.entries(parent)) {
        if (value === undefined)
            continue;
        if (WITHHELD_PREFIXES.some((prefix) => name.toUpperCase().startsWith(prefix)))
            continue;
        if (token && value.includes(token))
            continue;
        env[name] = value;
    }
    return { ...env, ...extra };
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");
;// CONCATENATED MODULE: ./src/run/agent-process.ts




const TAIL_LINES = 40;
/**
 * Runs a shell command in its own process group, so that a timeout or a cancellation can stop
 * the whole tree the agent started (TERM, then KILL after the grace time). Completion is the
 * child's exit event: nothing polls.
 */
async function runProcess(options) {
    const log = (0,external_node_fs_namespaceObject.createWriteStream)(options.logFile, { flags: 'a' });
    await (0,external_node_events_namespaceObject.once)(log, 'open');
    const child = (0,external_node_child_process_namespaceObject.spawn)(commandShell(), ['-c', options.command], {
        cwd: options.cwd,
        env: options.env,
        detached: true, // a process group of its own
        stdio: ['ignore', 'pipe', 'pipe']
    });
    const tail = [];
    let timedOut = false;
    let cancelled = false;
    let killTimer;
    const stopTree = () => {
        if (killTimer || child.pid === undefined)
            return;
        signalGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.killGraceMs);
    };
    const timeout = options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            stopTree();
        }, options.timeoutMs)
        : undefined;
    const onAbort = () => {
        cancelled = true;
        stopTree();
    };
    if (options.signal?.aborted)
        onAbort();
    else
        options.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = new LineSplitter((line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES)
            tail.shift();
        options.onLine?.(line);
    });
    for (const stream of [child.stdout, child.stderr]) {
        stream.on('data', (chunk) => {
            log.write(chunk);
            lines.push(chunk.toString('utf8'));
        });
    }
    const spawnError = new Promise((_resolve, reject) => child.once('error', reject));
    if (child.pid !== undefined)
        options.onStart?.(child.pid);
    try {
        const [exitCode, signal] = (await Promise.race([(0,external_node_events_namespaceObject.once)(child, 'exit'), spawnError]));
        // The shell is gone; stop what it left behind in its group, then let the output drain.
        if (child.pid !== undefined)
            signalGroup(child.pid, 'SIGKILL');
        await Promise.race([(0,external_node_events_namespaceObject.once)(child, 'close'), agent_process_delay(2000)]);
        lines.flush();
        return { exitCode, signal, timedOut, cancelled, tail };
    }
    finally {
        clearTimeout(timeout);
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        await new Promise((resolve) => log.end(resolve));
    }
}
function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    }
    catch {
        // The group is already gone.
    }
}
function agent_process_delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
class LineSplitter {
    emit;
    rest = '';
    constructor(emit) {
        this.emit = emit;
    }
    push(text) {
        const parts = (this.rest + text).split(/\r?\n/);
        this.rest = parts.pop() ?? '';
        for (const part of parts)
            this.emit(part);
    }
    flush() {
        if (this.rest)
            this.emit(this.rest);
        this.rest = '';
    }
}

// EXTERNAL MODULE: ./node_modules/picomatch/index.js
var picomatch = __nccwpck_require__(6);
var picomatch_default = /*#__PURE__*/__nccwpck_require__.n(picomatch);
;// CONCATENATED MODULE: ./src/run/worktree-manager.ts



/** `git worktree list --porcelain -z`, parsed. */
async function listWorktrees(git) {
    const text = await git.run(['worktree', 'list', '--porcelain', '-z']);
    const entries = [];
    let current = null;
    for (const field of text.split('\0')) {
        if (field.startsWith('worktree ')) {
            current = { path: field.slice(9), head: null, branch: null, locked: false, prunable: false };
            entries.push(current);
        }
        else if (current && field.startsWith('HEAD '))
            current.head = field.slice(5);
        else if (current && field.startsWith('branch ')) {
            current.branch = field.slice(7).replace(/^refs\/heads\//, '');
        }
        else if (current && (field === 'locked' || field.startsWith('locked ')))
            current.locked = true;
        else if (current && (field === 'prunable' || field.startsWith('prunable ')))
            current.prunable = true;
    }
    return entries;
}
/** `<worktree-dir>/<repo>-wt<priority>`, absolute. */
function worktreePath(repo, worktreeDir, priority) {
    return (0,external_node_path_namespaceObject.resolve)(repo, worktreeDir, `${(0,external_node_path_namespaceObject.basename)(repo)}-wt${priority}`);
}
class WorktreeError extends Error {
    name = 'WorktreeError';
}
/**
 * Creates worktrees and branches, recovering leftovers of an earlier run when that loses
 * nothing, and refusing with a message that says what to do otherwise.
 */
class WorktreeManager {
    git;
    logger;
    kept = new Set();
    constructor(git, logger) {
        this.git = git;
        this.logger = logger;
    }
    async create(options) {
        const { branch, path, startPoint } = options;
        await this.recoverLeftovers(options);
        await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
        await this.git.run([
            'worktree',
            'add',
            '--lock',
            '--reason',
            options.reason,
            '-b',
            branch,
            path,
            startPoint
        ]);
        return {
            path,
            branch,
            git: this.git.at(path),
            [Symbol.asyncDispose]: async () => {
                if (options.removeOnDispose && !this.kept.has(path))
                    await this.remove(path);
                else
                    await this.git.exec(['worktree', 'unlock', path], { okExitCodes: [128] });
            }
        };
    }
    /** Disposal leaves this worktree in place (it holds something that is not committed). */
    keep(path) {
        this.kept.add(path);
    }
    /** Removes a worktree folder and its registration; a problem is a warning, not a failure. */
    async remove(path) {
        await this.git.exec(['worktree', 'unlock', path], { okExitCodes: [128] });
        const removed = await this.git.exec(['worktree', 'remove', '--force', '--force', path], {
            okExitCodes: [128]
        });
        if (removed.exitCode !== 0) {
            await (0,promises_namespaceObject.rm)(path, { recursive: true, force: true }).catch(() => undefined);
            await this.git.exec(['worktree', 'prune']);
            this.logger.debug(`worktree remove said: ${removed.stderr.trim()}`);
        }
    }
    async recoverLeftovers({ branch, path, baseBranch }) {
        await this.git.run(['worktree', 'prune']); // registered worktrees whose folder is gone
        const worktrees = await listWorktrees(this.git);
        const holder = worktrees.find((entry) => entry.branch === branch);
        const atPath = worktrees.find((entry) => samePath(entry.path, path));
        if (holder) {
            if (!samePath(holder.path, path)) {
                throw new WorktreeError(`branch ${branch} is checked out in ${holder.path}; remove that worktree (git worktree remove ${holder.path}) or choose another branch-template`);
            }
            // Our own leftover: keep its work by committing nothing here; it is removed only if clean.
            const status = await this.git.at(path).run(['status', '--porcelain']);
            if (status) {
                throw new WorktreeError(`a worktree of an earlier run at ${path} has uncommitted changes on ${branch}; commit or discard them, then remove it (git worktree remove ${path})`);
            }
            this.logger.info(`Removing the leftover worktree ${path} of an earlier run (clean)`);
            await this.remove(path);
        }
        else if (atPath) {
            throw new WorktreeError(`${path} is already a worktree (of ${atPath.branch ?? 'a detached HEAD'}); remove it (git worktree remove ${path}) or set worktree-dir`);
        }
        else if (await exists(path)) {
            if ((await (0,promises_namespaceObject.readdir)(path)).length > 0) {
                throw new WorktreeError(`the folder ${path} exists, is not empty and is not a worktree of this repository; move it away or set worktree-dir`);
            }
            await (0,promises_namespaceObject.rm)(path, { recursive: true, force: true });
        }
        const existing = await this.git.resolveCommit(`refs/heads/${branch}`);
        if (existing) {
            const ahead = await this.git.countCommits(`refs/heads/${baseBranch}`, existing);
            if (ahead > 0) {
                throw new WorktreeError(`branch ${branch} already exists with ${ahead} commit(s) not in ${baseBranch}; merge it or delete it (git branch -D ${branch}), or choose another branch-template`);
            }
            // Everything on it is already in base: deleting it loses nothing.
            this.logger.info(`Reusing the name of branch ${branch}: its commits are all in ${baseBranch}`);
            await this.git.run(['branch', '-D', branch]);
        }
    }
}
/**
 * Copies untracked files matching the globs (`.env`, `config/*.local.json`) from the user's
 * checkout into a new worktree: a worktree holds tracked files only.
 */
async function copyWorktreeFiles(git, from, to, globs) {
    if (globs.length === 0)
        return [];
    const isMatch = picomatch_default()(globs, { dot: true });
    const listed = await git.run(['ls-files', '-z', '--others'], { cwd: from });
    const copied = [];
    for (const file of listed.split('\0')) {
        if (!file || !isMatch(file))
            continue;
        await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.dirname)((0,external_node_path_namespaceObject.join)(to, file)), { recursive: true });
        await (0,promises_namespaceObject.copyFile)((0,external_node_path_namespaceObject.join)(from, file), (0,external_node_path_namespaceObject.join)(to, file));
        copied.push(file);
    }
    return copied;
}
function samePath(a, b) {
    return (0,external_node_path_namespaceObject.resolve)(a) === (0,external_node_path_namespaceObject.resolve)(b);
}
async function exists(path) {
    return (0,promises_namespaceObject.stat)(path).then(() => true, () => false);
}

;// CONCATENATED MODULE: ./src/run/task-runner.ts
var __addDisposableResource = (undefined && undefined.__addDisposableResource) || function (env, value, async) {
    if (value !== null && value !== void 0) {
        if (typeof value !== "object" && typeof value !== "function") throw new TypeError("Object expected.");
        var dispose, inner;
        if (async) {
            if (!Symbol.asyncDispose) throw new TypeError("Symbol.asyncDispose is not defined.");
            dispose = value[Symbol.asyncDispose];
        }
        if (dispose === void 0) {
            if (!Symbol.dispose) throw new TypeError("Symbol.dispose is not defined.");
            dispose = value[Symbol.dispose];
            if (async) inner = dispose;
        }
        if (typeof dispose !== "function") throw new TypeError("Object not disposable.");
        if (inner) dispose = function() { try { inner.call(this); } catch (e) { return Promise.reject(e); } };
        env.stack.push({ value: value, dispose: dispose, async: async });
    }
    else if (async) {
        env.stack.push({ async: true });
    }
    return value;
};
var __disposeResources = (undefined && undefined.__disposeResources) || (function (SuppressedError) {
    return function (env) {
        function fail(e) {
            env.error = env.hasError ? new SuppressedError(e, env.error, "An error was suppressed during disposal.") : e;
            env.hasError = true;
        }
        var r, s = 0;
        function next() {
            while (r = env.stack.pop()) {
                try {
                    if (!r.async && s === 1) return s = 0, env.stack.push(r), Promise.resolve().then(next);
                    if (r.dispose) {
                        var result = r.dispose.call(r.value);
                        if (r.async) return s |= 2, Promise.resolve(result).then(next, function(e) { fail(e); return next(); });
                    }
                    else s |= 1;
                }
                catch (e) {
                    fail(e);
                }
            }
            if (s === 1) return env.hasError ? Promise.reject(env.error) : Promise.resolve();
            if (env.hasError) throw env.error;
        }
        return next();
    };
})(typeof SuppressedError === "function" ? SuppressedError : function (error, suppressed, message) {
    var e = new Error(message);
    return e.name = "SuppressedError", e.error = error, e.suppressed = suppressed, e;
});







/** A task as the result JSON shows it before it runs. */
function pendingTask(planned, settings) {
    return {
        priority: planned.priority,
        spec_files: planned.spec_files,
        branch: renderBranchTemplate(settings.branchTemplate, planned.priority),
        worktree: worktreePath(settings.repo, settings.worktreeDir, planned.priority),
        status: planned.skip_reason ? 'skipped' : 'pending',
        exit_code: null,
        commits: 0,
        started_at: null,
        ended_at: null,
        duration_ms: 0,
        merge: 'not-merged',
        merge_commit: null,
        conflict_files: [],
        log_file: null,
        error: planned.skip_reason
    };
}
/**
 * One priority from worktree to proof of work: a worktree and branch from the base's current
 * tip, the worktree files, the setup command, the agent (timed, cancellable), an auto-commit of
 * what it left, and the verdict. It never throws: every problem becomes the task's status.
 */
async function runTask(task, ctx) {
    const { settings, logger } = ctx;
    const started = Date.now();
    task.started_at = new Date(started).toISOString();
    task.status = 'running';
    await (0,promises_namespaceObject.mkdir)(settings.logDir, { recursive: true });
    task.log_file = (0,external_node_path_namespaceObject.join)(settings.logDir, `priority-${task.priority}.log`);
    const prefix = `[${task.priority}]`;
    try {
        const env_1 = { stack: [], error: void 0, hasError: false };
        try {
            const baseRef = `refs/heads/${settings.baseBranch}`;
            const startPoint = await ctx.git.run(['rev-parse', '--verify', `${baseRef}^{commit}`]);
            const worktree = __addDisposableResource(env_1, await ctx.worktrees.create({
                branch: task.branch,
                path: task.worktree,
                startPoint,
                baseBranch: settings.baseBranch,
                removeOnDispose: settings.cleanup,
                reason: `parallel-worktree: priority ${task.priority} in progress`
            }), true);
            ctx.events.worktreeCreated?.(task.priority, worktree.path, worktree.branch);
            logger.info(`${prefix} worktree ${worktree.path} on ${worktree.branch} from ${settings.baseBranch} ${startPoint.slice(0, 12)}`);
            const copied = await copyWorktreeFiles(ctx.git, settings.repo, worktree.path, settings.worktreeFiles);
            if (copied.length)
                logger.info(`${prefix} copied ${copied.join(', ')}`);
            const values = {
                priority: task.priority,
                branch: task.branch,
                worktree: worktree.path,
                base: settings.baseBranch
            };
            const env = agentEnvironment(ctx.env, settings.githubToken, agentVariables(values));
            const run = (command, timeoutMs) => runProcess({
                command: renderAgentCommand(command, values),
                cwd: worktree.path,
                env,
                logFile: task.log_file,
                timeoutMs,
                signal: ctx.signal,
                killGraceMs: ctx.killGraceMs,
                onLine: (line) => logger.info(`${prefix} ${line}`),
                onStart: (pid) => ctx.events.processStarted?.(task.priority, pid)
            });
            const deadline = settings.taskTimeoutMs > 0 ? started + settings.taskTimeoutMs : 0;
            let outcome = null;
            if (settings.setupCommand) {
                logger.info(`${prefix} setup: ${settings.setupCommand}`);
                outcome = await run(settings.setupCommand, settings.taskTimeoutMs);
                if (outcome.exitCode !== 0 || outcome.timedOut || outcome.cancelled) {
                    return finish(task, started, verdict(outcome, 'setup command'), outcome.exitCode);
                }
            }
            logger.info(`${prefix} agent: ${renderAgentCommand(settings.agentCommand, values)}`);
            outcome = await run(settings.agentCommand, deadline ? Math.max(1, deadline - Date.now()) : 0);
            const branchProblem = await checkBranch(worktree.git, task.branch);
            const saved = branchProblem ? 0 : await saveLeftovers(worktree.git, task, ctx, outcome);
            task.commits = await ctx.git.countCommits(startPoint, `refs/heads/${task.branch}`);
            if (branchProblem)
                return finish(task, started, { status: 'failed', error: branchProblem }, outcome.exitCode);
            let result = verdict(outcome, 'agent');
            if (result.status === 'completed' && task.commits === 0) {
                result = {
                    status: 'no-changes',
                    error: 'the agent exited 0 but made no commit and left no change'
                };
            }
            if (saved && result.status !== 'completed') {
                result.error = `${result.error}; its uncommitted changes were saved in a commit on ${task.branch}`;
            }
            if (!settings.autoCommit && (await worktree.git.run(['status', '--porcelain']))) {
                // Removing the worktree would throw its changes away: keep it and say so.
                await ctx.worktrees.keep(worktree.path);
                result.error = [
                    result.error,
                    `uncommitted changes kept in ${worktree.path} (auto-commit is off)`
                ]
                    .filter(Boolean)
                    .join('; ');
            }
            return finish(task, started, result, outcome.exitCode);
        }
        catch (e_1) {
            env_1.error = e_1;
            env_1.hasError = true;
        }
        finally {
            const result_1 = __disposeResources(env_1);
            if (result_1)
                await result_1;
        }
    }
    catch (error) {
        return finish(task, started, { status: 'failed', error: error.message }, null);
    }
}
function verdict(outcome, what) {
    if (outcome.cancelled)
        return { status: 'cancelled', error: `the run was cancelled; the ${what} was stopped` };
    if (outcome.timedOut)
        return {
            status: 'timed-out',
            error: `the ${what} ran past task-timeout-minutes and was stopped`
        };
    if (outcome.exitCode !== 0) {
        const how = outcome.signal
            ? `was killed by ${outcome.signal}`
            : `exited with status ${outcome.exitCode}`;
        const last = outcome.tail.filter((line) => line.trim()).at(-1);
        return {
            status: 'failed',
            error: `the ${what} ${how}${last ? `: ${last.trim().slice(0, 200)}` : ''}`
        };
    }
    return { status: 'completed', error: null };
}
/** The agent must leave its worktree on its own branch, or its commits are not where we look. */
async function checkBranch(git, branch) {
    const head = await git.exec(['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] });
    const current = head.stdout.trim();
    if (current === `refs/heads/${branch}`)
        return null;
    return `the agent left its worktree on ${current ? current.replace('refs/heads/', 'branch ') : 'a detached HEAD'} instead of ${branch}`;
}
/** Commits what the agent left uncommitted (auto-commit), so that nothing is lost. */
async function saveLeftovers(git, task, ctx, outcome) {
    if (!ctx.settings.autoCommit)
        return 0;
    if (!(await git.run(['status', '--porcelain'])))
        return 0;
    await git.run(['add', '-A']);
    const clean = outcome.exitCode === 0 && !outcome.timedOut && !outcome.cancelled;
    const message = clean
        ? `PRIORITY ${task.priority}: changes the agent left uncommitted`
        : `WIP PRIORITY ${task.priority}: uncommitted changes saved after the agent stopped`;
    await git.run(['commit', '--no-verify', '-q', '-m', message], { env: ctx.identity });
    ctx.logger.info(`[${task.priority}] auto-committed the changes the agent left`);
    return 1;
}
function finish(task, started, result, exitCode) {
    const ended = Date.now();
    task.status = result.status;
    task.error = result.error;
    task.exit_code = exitCode;
    task.ended_at = new Date(ended).toISOString();
    task.duration_ms = ended - started;
    return task;
}

;// CONCATENATED MODULE: ./src/report/result.ts
/** The contract's merge_results text for one task. */
function mergeResultText(task) {
    switch (task.merge) {
        case 'merged':
            return 'merged successfully';
        case 'conflict':
            return `merge conflict: ${task.conflict_files.join(', ')}`;
        case 'failed':
            return `merge failed: ${task.error ?? 'unknown error'}`;
        default:
            return task.status === 'completed'
                ? 'not merged (merge is off)'
                : `not merged: ${task.status}`;
    }
}
/** The result JSON of the contract, from the tasks as they ended. */
function buildResult(settings, separation, tasks, began, warnings = []) {
    const total = Date.now() - began;
    const sum = tasks.reduce((acc, task) => acc + task.duration_ms, 0);
    return {
        success: tasks.length > 0 && tasks.every((task) => task.merge === 'merged'),
        mode: settings.mode,
        base_branch: settings.baseBranch,
        priorities_requested: settings.priorities,
        priorities_executed: tasks
            .filter((task) => task.started_at !== null)
            .map((task) => task.priority),
        separation,
        tasks,
        merge_results: Object.fromEntries(tasks.map((task) => [String(task.priority), mergeResultText(task)])),
        timings: {
            total_ms: total,
            sum_of_tasks_ms: sum,
            speedup: total > 0 ? Math.round((sum / total) * 100) / 100 : 0
        },
        warnings
    };
}
/** The outputs of the contract: result, and the comma-separated ID lists. */
function resultOutputs(result) {
    const ids = (keep) => result.tasks
        .filter(keep)
        .map((task) => task.priority)
        .join(',');
    return {
        result: JSON.stringify(result),
        merged: ids((task) => task.merge === 'merged'),
        failed: ids((task) => ['failed', 'timed-out', 'cancelled', 'no-changes'].includes(task.status) ||
            task.merge === 'failed'),
        conflicted: ids((task) => task.merge === 'conflict'),
        skipped: ids((task) => task.status === 'skipped')
    };
}

;// CONCATENATED MODULE: ./src/git/git-command-manager.ts


/** Variables that would point git at another repository than the folder we ask about. */
const REPOSITORY_VARIABLES = [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_COMMON_DIR',
    'GIT_NAMESPACE',
    'GIT_CEILING_DIRECTORIES'
];
/** Used for commits the run makes when the repository has no identity configured. */
const BOT_IDENTITY = {
    name: 'parallel-worktree',
    email: 'parallel-worktree@users.noreply.github.com'
};
/**
 * Every git call of the product goes through here: one place for the environment (no
 * prompts, C locale so messages parse, no inherited GIT_DIR), exit-code handling and errors
 * that say what git said.
 */
class GitCommandManager {
    cwd;
    env;
    constructor(cwd, baseEnv = process.env) {
        this.cwd = cwd;
        const env = { ...baseEnv };
        for (const name of REPOSITORY_VARIABLES)
            delete env[name];
        env.GIT_TERMINAL_PROMPT = '0';
        env.GIT_EDITOR = 'true';
        env.GIT_MERGE_AUTOEDIT = 'no';
        env.LC_ALL = 'C';
        this.env = env;
    }
    /** A manager for another folder (a worktree) with the same environment. */
    at(cwd) {
        return new GitCommandManager(cwd, this.env);
    }
    /** Runs git; throws GitError unless the exit code is 0 or listed in okExitCodes. */
    exec(args, options = {}) {
        const ok = options.okExitCodes ?? [];
        return new Promise((resolve, reject) => {
            const child = (0,external_node_child_process_namespaceObject.spawn)('git', args, {
                cwd: options.cwd ?? this.cwd,
                env: options.env ? { ...this.env, ...options.env } : this.env,
                stdio: ['pipe', 'pipe', 'pipe']
            });
            const out = [];
            const err = [];
            child.stdout.on('data', (chunk) => out.push(chunk));
            child.stderr.on('data', (chunk) => err.push(chunk));
            child.on('error', (error) => reject(new GitError(args, -1, error.message)));
            child.on('close', (code) => {
                const result = {
                    stdout: Buffer.concat(out).toString('utf8'),
                    stderr: Buffer.concat(err).toString('utf8'),
                    exitCode: code ?? -1
                };
                if (result.exitCode === 0 || ok.includes(result.exitCode))
                    resolve(result);
                else
                    reject(new GitError(args, result.exitCode, result.stderr || result.stdout));
            });
            child.stdin.on('error', () => { }); // git may exit before reading all input
            child.stdin.end(options.input ?? '');
        });
    }
    /** stdout of a successful call, trailing newline removed. */
    async run(args, options = {}) {
        const { stdout } = await this.exec(args, options);
        return stdout.replace(/\n$/, '');
    }
    /** The commit id a ref names, or null when it names nothing. */
    async resolveCommit(ref) {
        const { stdout, exitCode } = await this.exec(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { okExitCodes: [1, 128] });
        return exitCode === 0 ? stdout.trim() : null;
    }
    async branchExists(branch) {
        return (await this.resolveCommit(`refs/heads/${branch}`)) !== null;
    }
    /** Commits reachable from `to` but not from `from`. */
    async countCommits(from, to) {
        return Number(await this.run(['rev-list', '--count', `${from}..${to}`]));
    }
    async isAncestor(ancestor, descendant) {
        const { exitCode } = await this.exec(['merge-base', '--is-ancestor', ancestor, descendant], {
            okExitCodes: [1]
        });
        return exitCode === 0;
    }
    /** git's version as [major, minor, patch]. */
    async version() {
        const text = await this.run(['version']);
        const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
        if (!match)
            throw new GitError(['version'], 0, `cannot read a version from "${text}"`);
        return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
    }
    /** The repository's top-level folder, or null when cwd is not in a work tree. */
    async topLevel() {
        const { stdout, exitCode } = await this.exec(['rev-parse', '--show-toplevel'], {
            okExitCodes: [128]
        });
        return exitCode === 0 ? stdout.trim() : null;
    }
    /**
     * Author and committer variables for commits the run makes, when the repository has no
     * identity of its own (a fresh runner has none; `git commit` would refuse).
     */
    async identityEnv() {
        const { exitCode } = await this.exec(['var', 'GIT_COMMITTER_IDENT'], { okExitCodes: [128] });
        const configured = await this.exec(['config', 'user.email'], { okExitCodes: [1] });
        if (exitCode === 0 && configured.stdout.trim())
            return {};
        return {
            GIT_AUTHOR_NAME: BOT_IDENTITY.name,
            GIT_AUTHOR_EMAIL: BOT_IDENTITY.email,
            GIT_COMMITTER_NAME: BOT_IDENTITY.name,
            GIT_COMMITTER_EMAIL: BOT_IDENTITY.email
        };
    }
}

;// CONCATENATED MODULE: ./src/engine/preflight.ts


/** merge-tree --write-tree, which every merge here is made with, came in git 2.38. */
const MIN_GIT = [2, 38];
/**
 * The checks that refuse a run before anything is touched (exit 2): git recent enough,
 * a repository, a base branch. Returns the manager for the repository's top level.
 */
async function preflight(repo, baseBranch, env = process.env) {
    const probe = new GitCommandManager(repo, env);
    let version;
    try {
        version = await probe.version();
    }
    catch (error) {
        throw new InputError(`git is not available: ${error.message}`);
    }
    if (version[0] < MIN_GIT[0] || (version[0] === MIN_GIT[0] && version[1] < MIN_GIT[1])) {
        throw new InputError(`git ${version.join('.')} is too old: merges need git ${MIN_GIT.join('.')} or newer (merge-tree --write-tree)`);
    }
    const top = await probe.topLevel().catch(() => null);
    if (!top)
        throw new InputError(`${repo} is not inside a git work tree`);
    const git = probe.at(top);
    if (!(await git.branchExists(baseBranch))) {
        throw new InputError(`base-branch: the branch "${baseBranch}" does not exist in ${top}; create it (git branch ${baseBranch}) or fetch it`);
    }
    return git;
}

;// CONCATENATED MODULE: ./src/engine/run-engine.ts








const DEFAULT_KILL_GRACE_MS = 10_000;
/**
 * The whole job on this machine: plan, worktrees, agents within the limits, each completed
 * branch merged as soon as it is done (so that priorities waiting on it start from a base
 * that holds its work), cleanup, and the result.
 */
async function runParallel(settings, options) {
    const { logger } = options;
    const env = options.env ?? process.env;
    const began = Date.now();
    const git = await preflight(settings.repo, settings.baseBranch, env);
    const signal = options.signal ?? new AbortController().signal;
    const plan = await buildPlan({ ...settings, repo: git.cwd });
    const tasks = plan.tasks.map((planned) => pendingTask(planned, settings));
    const byPriority = new Map(tasks.map((task) => [task.priority, task]));
    const worktrees = new WorktreeManager(git, logger);
    const merger = new MergeEngine(git, settings.baseBranch, logger);
    const maxParallel = settings.maxParallel === 'auto' ? await autoParallelism() : settings.maxParallel;
    const gate = new ResourceGate(settings, logger, options.resourceSampler, options.resourceIntervalMs);
    const ctx = {
        settings,
        git,
        worktrees,
        logger,
        signal,
        killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
        events: options.events ?? {},
        env,
        identity: await git.identityEnv()
    };
    logger.info(`Running ${tasks.filter((t) => t.status === 'pending').length} priorities, at most ${maxParallel} at once, on ${settings.baseBranch}`);
    const { notStarted } = await runSchedule(plan.tasks.filter((planned) => !planned.skip_reason), {
        maxParallel,
        gate,
        signal,
        logger,
        start: async (priority) => {
            const task = byPriority.get(priority);
            await runTask(task, ctx);
            if (task.status === 'completed' && settings.merge)
                await mergeTask(task, merger, settings);
            options.events?.taskEnded?.(task);
        }
    });
    for (const priority of notStarted) {
        const task = byPriority.get(priority);
        task.status = 'cancelled';
        task.error = 'the run was cancelled before this priority started';
    }
    await git.exec(['worktree', 'prune']);
    return buildResult(settings, plan.separation, tasks, began);
}
async function mergeTask(task, merger, settings) {
    const attempt = await merger.merge(task.branch, task.priority);
    task.merge = attempt.outcome;
    task.merge_commit = attempt.commit;
    task.conflict_files = attempt.conflictFiles;
    if (attempt.outcome === 'failed')
        task.error = attempt.error;
    if (attempt.outcome === 'merged' && settings.cleanup)
        await merger.deleteMergedBranch(task.branch);
}

;// CONCATENATED MODULE: ./src/engine/plan-engine.ts




/** `plan` mode: the separation analysis and schedule; nothing in the repository changes. */
async function planOnly(settings, env = process.env) {
    const began = Date.now();
    const git = await preflight(settings.repo, settings.baseBranch, env);
    const plan = await buildPlan({ ...settings, repo: git.cwd });
    const tasks = plan.tasks.map((planned) => pendingTask(planned, settings));
    const result = buildResult(settings, plan.separation, tasks, began);
    result.success = plan.separation.unresolved.length === 0;
    return { plan, result };
}
/** `strategy.matrix` for a fan-out: the priorities that will run (skipped ones left out). */
function matrixOf(plan) {
    return { priority: plan.tasks.filter((task) => !task.skip_reason).map((task) => task.priority) };
}

;// CONCATENATED MODULE: ./src/engine/execute.ts



/** Runs the mode the settings name: the one dispatch the action and the CLI share. */
async function execute(settings, options) {
    switch (settings.mode) {
        case 'run':
            return { result: await runParallel(settings, options), extraOutputs: {} };
        case 'plan': {
            const { plan, result } = await planOnly(settings, options.env);
            return { result, plan, extraOutputs: { matrix: JSON.stringify(matrixOf(plan)) } };
        }
        default:
            throw new InputError(`mode: "${settings.mode}" is not available in this version yet`);
    }
}

;// CONCATENATED MODULE: ./src/report/summary.ts
const STATUS_ICON = {
    completed: '✅',
    'no-changes': '⚪',
    failed: '❌',
    'timed-out': '⏱️',
    cancelled: '🛑',
    skipped: '⏭️',
    pending: '⏳',
    running: '🏃'
};
function seconds(ms) {
    return ms >= 60_000
        ? `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
        : `${(ms / 1000).toFixed(1)}s`;
}
/** The outcome in one line. */
function headline(result) {
    const merged = result.tasks.filter((task) => task.merge === 'merged').length;
    const total = result.priorities_requested.length;
    if (result.mode === 'plan')
        return `Plan for ${total} priorities on \`${result.base_branch}\``;
    return result.success
        ? `✅ All ${total} priorities merged into \`${result.base_branch}\``
        : `❌ ${merged} of ${total} priorities merged into \`${result.base_branch}\``;
}
/** The job summary (Markdown). */
function renderSummary(result) {
    const rows = result.tasks.map((task) => `| ${task.priority} | \`${task.branch}\` | ${STATUS_ICON[task.status] ?? ''} ${task.status} | ${seconds(task.duration_ms)} | ${task.commits} | ${task.merge} |`);
    return [
        `## ${headline(result)}`,
        '',
        '| Priority | Branch | Status | Duration | Commits | Merge |',
        '|---:|---|---|---:|---:|---|',
        ...rows,
        '',
        `Total ${seconds(result.timings.total_ms)}, speedup ×${result.timings.speedup} over running them one by one.`,
        ''
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/cli/args.ts



const BOOLEAN_INPUTS = INPUT_NAMES.filter((name) => ['true', 'false'].includes(INPUT_DEFAULTS[name]));
const args_MODES = ['run', 'plan', 'task', 'merge'];
/**
 * `parallel-worktree <mode> [--input-name value]... [--repo DIR] [--json]`: every action input
 * is a flag of the same name; boolean inputs also take `--push` / `--no-push`.
 */
function parseCliArguments(argv, cwd) {
    const parsed = { inputs: {}, repo: cwd, json: false, help: false, version: false };
    const rest = [...argv];
    if (rest[0] && !rest[0].startsWith('-')) {
        const mode = rest.shift();
        if (!args_MODES.includes(mode)) {
            throw new InputError(`"${shorten(mode)}" is not a mode: use one of ${args_MODES.join(', ')}`);
        }
        parsed.inputs.mode = mode;
    }
    while (rest.length > 0) {
        const arg = rest.shift();
        if (arg === '--help' || arg === '-h')
            parsed.help = true;
        else if (arg === '--version')
            parsed.version = true;
        else if (arg === '--json')
            parsed.json = true;
        else if (arg.startsWith('--')) {
            const [flag, inline] = splitFlag(arg.slice(2));
            if (flag === 'repo') {
                parsed.repo = inline ?? takeValue(rest, 'repo');
                continue;
            }
            if (flag.startsWith('no-') &&
                BOOLEAN_INPUTS.includes(flag.slice(3)) &&
                inline === undefined) {
                parsed.inputs[flag.slice(3)] = 'false';
                continue;
            }
            if (!INPUT_NAMES.includes(flag)) {
                throw new InputError(`--${shorten(flag)} is not an option (see parallel-worktree --help)`);
            }
            const name = flag;
            if (inline !== undefined)
                parsed.inputs[name] = inline;
            else if (BOOLEAN_INPUTS.includes(name) &&
                (rest[0] === undefined || rest[0].startsWith('--'))) {
                parsed.inputs[name] = 'true';
            }
            else
                parsed.inputs[name] = takeValue(rest, name);
        }
        else if (parsed.inputs.priorities === undefined) {
            parsed.inputs.priorities = arg; // `parallel-worktree run 65,66`
        }
        else {
            parsed.inputs.priorities += ` ${arg}`;
        }
    }
    return parsed;
}
function splitFlag(text) {
    const at = text.indexOf('=');
    return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
function takeValue(rest, name) {
    const value = rest.shift();
    if (value === undefined)
        throw new InputError(`--${name} needs a value`);
    return value;
}
const USAGE = `parallel-worktree <mode> [priorities] [--input-name value]... [--repo DIR] [--json]

Runs coding agents on several roadmap priorities at once, each in its own git worktree,
and merges their work back into the base branch.

Modes:
  run     the whole job here: plan, worktrees, parallel agents, merges, cleanup (default)
  plan    the separation analysis and schedule only; changes nothing
  task    one priority on this runner (a matrix job): branch, agent, commit, push
  merge   merge the already pushed branches of the priorities into the base branch

Options (each action input is a flag of the same name):
${INPUT_NAMES.filter((name) => name !== 'mode')
    .map((name) => `  --${name.padEnd(22)} default: ${INPUT_DEFAULTS[name] === '' ? '(empty)' : INPUT_DEFAULTS[name]}`)
    .join('\n')}
  --repo DIR               the repository (default: the current directory)
  --json                   print the result JSON alone on stdout; logs go to stderr

Exit status: 0 every priority merged (plan: plan made), 1 something failed, conflicted or was
skipped (the report is written), 2 refused before anything was touched (bad input).
`;

;// CONCATENATED MODULE: ./src/cli/cli.ts






const VERSION = '1.0.0';
/** Logs go to stderr, so that stdout holds only the report (or the JSON with --json). */
const stderrLogger = {
    info: (message) => process.stderr.write(`${message}\n`),
    warning: (message, file) => process.stderr.write(`warning: ${file ? `${file}: ` : ''}${message}\n`),
    error: (message, file) => process.stderr.write(`error: ${file ? `${file}: ` : ''}${message}\n`),
    debug: (message) => {
        if (process.env.RUNNER_DEBUG === '1')
            process.stderr.write(`debug: ${message}\n`);
    },
    group: (title, body) => process.stderr.write(`── ${title} ──\n${body}\n──\n`)
};
/** The command line: returns the exit status (0 success, 1 report written, 2 refused). */
async function cli(argv, logger = stderrLogger) {
    const controller = new AbortController();
    let signals = 0;
    const onSignal = (signal) => {
        signals += 1;
        if (signals > 1)
            process.exit(130);
        logger.warning(`Received ${signal}: stopping every agent and cleaning up (again to quit at once)`);
        controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
        const args = parseCliArguments(argv, process.cwd());
        if (args.help) {
            process.stdout.write(USAGE);
            return 0;
        }
        if (args.version) {
            process.stdout.write(`${VERSION}\n`);
            return 0;
        }
        const settings = parseSettings({ 'github-token': process.env.GITHUB_TOKEN ?? '', ...args.inputs }, (0,external_node_path_namespaceObject.resolve)(args.repo));
        const execution = await execute(settings, { logger, signal: controller.signal });
        if (args.json)
            process.stdout.write(`${JSON.stringify(execution.result, null, 2)}\n`);
        else
            process.stdout.write(renderSummary(execution.result));
        return execution.result.success ? 0 : 1;
    }
    catch (error) {
        if (error instanceof InputError) {
            logger.error(error.message);
            return 2;
        }
        logger.error(error.stack ?? String(error));
        return 1;
    }
    finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}


/***/ }),

/***/ 486:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(208);
// The command line's entry point: `parallel-worktree <mode> ...`.

process.exitCode = await (0,_cli_js__WEBPACK_IMPORTED_MODULE_0__/* .cli */ .xw)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 748:
/***/ ((module) => {

module.exports = eval("require")("macos-temperature-sensor");


/***/ }),

/***/ 623:
/***/ ((module) => {

module.exports = eval("require")("osx-temperature-sensor");


/***/ }),

/***/ 317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 228:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// audio.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 16. audio
// ----------------------------------------------------------------------------------

const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

function parseAudioType(str, input, output) {
  str = str.toLowerCase();
  let result = '';

  if (str.indexOf('input') >= 0) {
    result = 'Microphone';
  }
  if (str.indexOf('display audio') >= 0) {
    result = 'Speaker';
  }
  if (str.indexOf('speak') >= 0) {
    result = 'Speaker';
  }
  if (str.indexOf('laut') >= 0) {
    result = 'Speaker';
  }
  if (str.indexOf('loud') >= 0) {
    result = 'Speaker';
  }
  if (str.indexOf('head') >= 0) {
    result = 'Headset';
  }
  if (str.indexOf('mic') >= 0) {
    result = 'Microphone';
  }
  if (str.indexOf('mikr') >= 0) {
    result = 'Microphone';
  }
  if (str.indexOf('phone') >= 0 && str.indexOf('headphone') < 0) {
    result = 'Phone';
  }
  if (str.indexOf('controll') >= 0) {
    result = 'Controller';
  }
  if (str.indexOf('line o') >= 0) {
    result = 'Line Out';
  }
  if (str.indexOf('digital o') >= 0) {
    result = 'Digital Out';
  }
  if (str.indexOf('smart sound technology') >= 0) {
    result = 'Digital Signal Processor';
  }
  if (str.indexOf('high definition audio') >= 0) {
    result = 'Sound Driver';
  }

  if (!result && output) {
    result = 'Speaker';
  } else if (!result && input) {
    result = 'Microphone';
  }
  return result;
}

function getLinuxAudioPci() {
  const cmd = 'lspci -v 2>/dev/null';
  const result = [];
  try {
    const parts = execSync(cmd, util.execOptsLinux).toString().split('\n\n');
    parts.forEach((element) => {
      const lines = element.split('\n');
      if (lines && lines.length && lines[0].toLowerCase().indexOf('audio') >= 0) {
        const audio = {};
        audio.slotId = lines[0].split(' ')[0];
        audio.driver = util.getValue(lines, 'Kernel driver in use', ':', true) || util.getValue(lines, 'Kernel modules', ':', true);
        result.push(audio);
      }
    });
    return result;
  } catch {
    return result;
  }
}

// ARM boards (e.g. Raspberry Pi) have no PCI bus at all - ALSA lists the sound cards instead (#545)
function parseLinuxAudioAlsa(stdout) {
  const result = [];
  const parts = stdout.split('--pcm--');
  const cards = parts[0] || '';
  const pcms = parts[1] || '';
  const lines = cards.split('\n');
  lines.forEach((line, i) => {
    // ' 1 [Device         ]: USB-Audio - USB Audio Device'
    const card = line.match(/^\s*(\d+)\s+\[(.+?)\s*\]:\s*(.*)$/);
    if (card && card[3].trim()) {
      const index = card[1];
      // some drivers (e.g. bcm2835) print an unterminated driver string, gluing the name to it
      const sep = card[3].lastIndexOf(' - ');
      const name = (sep >= 0 ? card[3].substring(sep + 3) : card[3]).trim();
      let driver = (sep >= 0 ? card[3].substring(0, sep) : '').trim();
      if (name && driver.endsWith(name)) {
        driver = driver.substring(0, driver.length - name.length).trim();
      }
      // second line holds the long name, which is prefixed with the manufacturer on USB devices
      const longName = (lines[i + 1] || '').trim();
      const manufacturer = longName.indexOf(name) > 0 ? longName.substring(0, longName.indexOf(name)).trim() : '';
      const devices = pcms.split('\n').filter((pcm) => pcm.indexOf('/card' + index + '/pcm') >= 0);
      const out = devices.some((pcm) => pcm.trim().endsWith('p'));
      const isIn = devices.some((pcm) => pcm.trim().endsWith('c'));
      const usb = (driver + ' ' + longName).toLowerCase().indexOf('usb') >= 0;
      const hdmi = (card[2] + ' ' + name).toLowerCase().indexOf('hdmi') >= 0;
      result.push({
        id: 'hw:' + index,
        name,
        manufacturer,
        revision: null,
        driver,
        default: null,
        channel: usb ? 'USB' : hdmi ? 'HDMI' : 'Onboard',
        type: parseAudioType(name, isIn, out),
        in: devices.length ? isIn : null,
        out: devices.length ? out : null,
        status: 'online'
      });
    }
  });
  return result;
}

function parseWinAudioStatus(n) {
  const num = parseInt(n, 10);
  let status = n;
  if (num === 1) {
    status = 'other';
  } else if (num === 2) {
    status = 'unknown';
  } else if (num === 3) {
    status = 'enabled';
  } else if (num === 4) {
    status = 'disabled';
  } else if (num === 5) {
    status = 'not applicable';
  }
  return status;
}

function parseLinuxAudioPciMM(lines, audioPCI) {
  const result = {};
  const slotId = util.getValue(lines, 'Slot');

  const pciMatch = audioPCI.filter((item) => item.slotId === slotId);

  result.id = slotId;
  result.name = util.getValue(lines, 'SDevice');
  result.manufacturer = util.getValue(lines, 'SVendor');
  result.revision = util.getValue(lines, 'Rev');
  result.driver = pciMatch && pciMatch.length === 1 && pciMatch[0].driver ? pciMatch[0].driver : '';
  result.default = null;
  result.channel = 'PCIe';
  result.type = parseAudioType(result.name, null, null);
  result.in = null;
  result.out = null;
  result.status = 'online';

  return result;
}

function parseDarwinChannel(str) {
  let result = '';

  if (str.indexOf('builtin') >= 0) {
    result = 'Built-In';
  }
  if (str.indexOf('extern') >= 0) {
    result = 'Audio-Jack';
  }
  if (str.indexOf('hdmi') >= 0) {
    result = 'HDMI';
  }
  if (str.indexOf('displayport') >= 0) {
    result = 'Display-Port';
  }
  if (str.indexOf('usb') >= 0) {
    result = 'USB';
  }
  if (str.indexOf('pci') >= 0) {
    result = 'PCIe';
  }

  return result;
}

function parseDarwinAudio(audioObject, id) {
  const result = {};
  const channelStr = ((audioObject.coreaudio_device_transport || '') + ' ' + (audioObject._name || '')).toLowerCase();

  result.id = id;
  result.name = audioObject._name;
  result.manufacturer = audioObject.coreaudio_device_manufacturer;
  result.revision = null;
  result.driver = null;
  result.default = !!(audioObject.coreaudio_default_audio_input_device || '') || !!(audioObject.coreaudio_default_audio_output_device || '');
  result.channel = parseDarwinChannel(channelStr);
  result.type = parseAudioType(result.name, !!(audioObject.coreaudio_device_input || ''), !!(audioObject.coreaudio_device_output || ''));
  result.in = !!(audioObject.coreaudio_device_input || '');
  result.out = !!(audioObject.coreaudio_device_output || '');
  result.status = 'online';

  return result;
}

function parseWindowsAudio(lines) {
  const result = {};
  const status = parseWinAudioStatus(util.getValue(lines, 'StatusInfo', ':'));

  result.id = util.getValue(lines, 'DeviceID', ':'); // PNPDeviceID??
  result.name = util.getValue(lines, 'name', ':');
  result.manufacturer = util.getValue(lines, 'manufacturer', ':');
  result.revision = null;
  result.driver = null;
  result.default = null;
  result.channel = null;
  result.type = parseAudioType(result.name, null, null);
  result.in = null;
  result.out = null;
  result.status = status;

  return result;
}

function audio(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = [];
      if (_linux || _freebsd || _openbsd || _netbsd) {
        const cmd = 'lspci -vmm 2>/dev/null';
        exec(cmd, (error, stdout) => {
          // PCI
          if (!error) {
            const audioPCI = getLinuxAudioPci();
            const parts = stdout.toString().split('\n\n');
            parts.forEach((element) => {
              const lines = element.split('\n');
              if (util.getValue(lines, 'class', ':', true).toLowerCase().indexOf('audio') >= 0) {
                const audio = parseLinuxAudioPciMM(lines, audioPCI);
                result.push(audio);
              }
            });
          }
          if (!result.length) {
            const cmdAlsa = 'cat /proc/asound/cards 2>/dev/null; echo "--pcm--"; ls -d /proc/asound/card*/pcm* 2>/dev/null';
            exec(cmdAlsa, util.execOptsLinux, (error, stdout) => {
              if (!error) {
                parseLinuxAudioAlsa(stdout.toString()).forEach((item) => result.push(item));
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        });
      }
      if (_darwin) {
        const cmd = 'system_profiler SPAudioDataType -json';
        exec(cmd, (error, stdout) => {
          if (!error) {
            try {
              const outObj = JSON.parse(stdout.toString());
              if (outObj.SPAudioDataType && outObj.SPAudioDataType.length && outObj.SPAudioDataType[0] && outObj.SPAudioDataType[0]['_items'] && outObj.SPAudioDataType[0]['_items'].length) {
                for (let i = 0; i < outObj.SPAudioDataType[0]['_items'].length; i++) {
                  const audio = parseDarwinAudio(outObj.SPAudioDataType[0]['_items'][i], i);
                  result.push(audio);
                }
              }
            } catch {
              util.noop();
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        util.powerShell('Get-CimInstance Win32_SoundDevice | select DeviceID,StatusInfo,Name,Manufacturer | fl').then((stdout, error) => {
          if (!error) {
            const parts = stdout.toString().split(/\n\s*\n/);
            parts.forEach((element) => {
              const lines = element.split('\n');
              if (util.getValue(lines, 'name', ':')) {
                result.push(parseWindowsAudio(lines));
              }
            });
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        resolve(null);
      }
    });
  });
}

exports.audio = audio;


/***/ }),

/***/ 404:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


// @ts-check;
// ==================================================================================
// battery.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 6. Battery
// ----------------------------------------------------------------------------------

const exec = (__nccwpck_require__(317).exec);
const fs = __nccwpck_require__(896);
const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

function parseWinBatteryPart(lines, designedCapacity, fullChargeCapacity) {
  const result = {};
  const status = parseInt(util.getValue(lines, 'BatteryStatus', ':').trim(), 10) || 0;
  // let status = util.getValue(lines, 'BatteryStatus', ':').trim();
  // 1 = "Discharging"
  // 2 = "On A/C"
  // 3 = "Fully Charged"
  // 4 = "Low"
  // 5 = "Critical"
  // 6 = "Charging"
  // 7 = "Charging High"
  // 8 = "Charging Low"
  // 9 = "Charging Critical"
  // 10 = "Undefined"
  // 11 = "Partially Charged"
  if (status >= 0) {
    const statusValue = status;
    result.status = statusValue;
    result.hasBattery = true;
    result.maxCapacity = fullChargeCapacity || parseInt(util.getValue(lines, 'DesignCapacity', ':') || 0);
    result.designedCapacity = parseInt(util.getValue(lines, 'DesignCapacity', ':') || designedCapacity);
    result.voltage = (parseInt(util.getValue(lines, 'DesignVoltage', ':'), 10) || 0) / 1000;
    result.capacityUnit = 'mWh';
    result.percent = parseInt(util.getValue(lines, 'EstimatedChargeRemaining', ':'), 10) || 0;
    result.currentCapacity = parseInt((result.maxCapacity * result.percent) / 100);
    result.isCharging = (statusValue >= 6 && statusValue <= 9) || statusValue === 11 || (statusValue !== 3 && statusValue !== 1 && result.percent < 100);
    result.acConnected = result.isCharging || statusValue === 2;
    result.model = util.getValue(lines, 'DeviceID', ':');
  } else {
    result.status = -1;
  }

  return result;
}

const battery = (callback) =>
  new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        hasBattery: false,
        cycleCount: 0,
        isCharging: false,
        designedCapacity: 0,
        maxCapacity: 0,
        currentCapacity: 0,
        voltage: 0,
        capacityUnit: '',
        percent: 0,
        timeRemaining: null,
        acConnected: true,
        type: '',
        model: '',
        manufacturer: '',
        serial: ''
      };

      if (_linux) {
        let battery_path = '';
        if (fs.existsSync('/sys/class/power_supply/BAT1/uevent')) {
          battery_path = '/sys/class/power_supply/BAT1/';
        } else if (fs.existsSync('/sys/class/power_supply/BAT0/uevent')) {
          battery_path = '/sys/class/power_supply/BAT0/';
        }

        let acConnected = false;
        let acPath = '';
        if (fs.existsSync('/sys/class/power_supply/AC/online')) {
          acPath = '/sys/class/power_supply/AC/online';
        } else if (fs.existsSync('/sys/class/power_supply/AC0/online')) {
          acPath = '/sys/class/power_supply/AC0/online';
        }

        if (acPath) {
          try {
            const file = fs.readFileSync(acPath);
            acConnected = file.toString().trim() === '1';
          } catch {
            util.noop();
          }
        }

        if (battery_path) {
          fs.readFile(battery_path + 'uevent', (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');

              result.isCharging = util.getValue(lines, 'POWER_SUPPLY_STATUS', '=').toLowerCase() === 'charging';
              result.acConnected = acConnected || result.isCharging;
              result.voltage = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_VOLTAGE_NOW', '='), 10) / 1000000.0;
              result.capacityUnit = result.voltage ? 'mWh' : 'mAh';
              result.cycleCount = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_CYCLE_COUNT', '='), 10);
              result.maxCapacity = Math.round((parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_CHARGE_FULL', '=', true, true), 10) / 1000.0) * (result.voltage || 1));
              const desingedMinVoltage = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_VOLTAGE_MIN_DESIGN', '='), 10) / 1000000.0;
              result.designedCapacity = Math.round(
                (parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_CHARGE_FULL_DESIGN', '=', true, true), 10) / 1000.0) * (desingedMinVoltage || result.voltage || 1)
              );
              result.currentCapacity = Math.round((parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_CHARGE_NOW', '='), 10) / 1000.0) * (result.voltage || 1));
              if (!result.maxCapacity) {
                result.maxCapacity = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_ENERGY_FULL', '=', true, true), 10) / 1000.0;
                result.designedCapacity = (parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_ENERGY_FULL_DESIGN', '=', true, true), 10) / 1000.0) | result.maxCapacity;
                result.currentCapacity = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_ENERGY_NOW', '='), 10) / 1000.0;
              }
              const percent = util.getValue(lines, 'POWER_SUPPLY_CAPACITY', '=');
              const energy = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_ENERGY_NOW', '='), 10);
              const power = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_POWER_NOW', '='), 10);
              const current = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_CURRENT_NOW', '='), 10);
              const charge = parseInt('0' + util.getValue(lines, 'POWER_SUPPLY_CHARGE_NOW', '='), 10);

              result.percent = parseInt('0' + percent, 10);
              if (result.maxCapacity && result.currentCapacity) {
                result.hasBattery = true;
                if (!percent) {
                  result.percent = (100.0 * result.currentCapacity) / result.maxCapacity;
                }
              }
              if (result.isCharging) {
                result.hasBattery = true;
              }
              if (energy && power) {
                result.timeRemaining = Math.floor((energy / power) * 60);
              } else if (current && charge) {
                result.timeRemaining = Math.floor((charge / current) * 60);
              } else if (current && result.currentCapacity) {
                result.timeRemaining = Math.floor((result.currentCapacity / current) * 60);
              }
              result.type = util.getValue(lines, 'POWER_SUPPLY_TECHNOLOGY', '=');
              result.model = util.getValue(lines, 'POWER_SUPPLY_MODEL_NAME', '=');
              result.manufacturer = util.getValue(lines, 'POWER_SUPPLY_MANUFACTURER', '=');
              result.serial = util.getValue(lines, 'POWER_SUPPLY_SERIAL_NUMBER', '=');
              if (callback) {
                callback(result);
              }
              resolve(result);
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_freebsd || _openbsd || _netbsd) {
        exec('sysctl -i hw.acpi.battery hw.acpi.acline', (error, stdout) => {
          const lines = stdout.toString().split('\n');
          const batteries = parseInt('0' + util.getValue(lines, 'hw.acpi.battery.units'), 10);
          const percent = parseInt('0' + util.getValue(lines, 'hw.acpi.battery.life'), 10);
          result.hasBattery = batteries > 0;
          result.cycleCount = null;
          result.isCharging = util.getValue(lines, 'hw.acpi.acline') !== '1';
          result.acConnected = result.isCharging;
          result.maxCapacity = null;
          result.currentCapacity = null;
          result.capacityUnit = 'unknown';
          result.percent = batteries ? percent : null;
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }

      if (_darwin) {
        exec(
          'ioreg -n AppleSmartBattery -r | egrep "CycleCount|IsCharging|DesignCapacity|MaxCapacity|CurrentCapacity|DeviceName|BatterySerialNumber|Serial|TimeRemaining|Voltage|BatteryData|NominalChargeCapacity"; pmset -g batt | grep %',
          (error, stdout) => {
            if (stdout) {
              const lines = stdout
                .toString()
                .replace(/^[ |]+/gm, '')
                .replace(/ +/g, '')
                .replace(/"+/g, '')
                .replace(/-/g, '')
                .split('\n');
              const voltage = parseInt('0' + util.getValue(lines, 'voltage', '='), 10) / 1000.0;
              const batteryData = util.getValue(lines, 'BatteryData', '=').replace(/^\{/, '').replace(/\}$/, '').split(',');
              const maxCapacity = Math.round(
                parseInt(
                  '0' +
                    (util.getValue(lines, 'AppleRawMaxCapacity', '=') ||
                      util.getValue(lines, 'NominalChargeCapacity', '=') ||
                      util.getValue(batteryData, 'FullChargeCapacity', '=') ||
                      util.getValue(batteryData, 'NominalChargeCapacity', '=')),
                  10
                ) * (voltage || 1)
              );
              const currentCapacity = Math.round(parseInt('0' + (util.getValue(lines, 'AppleRawCurrentCapacity', '=') || util.getValue(batteryData, 'RemainingCapacity', '=')), 10) * (voltage || 1));
              const designedCapacity = Math.round(parseInt('0' + (util.getValue(lines, 'DesignCapacity', '=') || util.getValue(batteryData, 'DesignCapacity', '=')), 10) * (voltage || 1));

              result.cycleCount = parseInt('0' + util.getValue(lines, 'cyclecount', '='), 10);
              result.voltage = voltage;
              result.capacityUnit = result.voltage ? 'mWh' : 'mAh';
              result.maxCapacity = maxCapacity;
              result.currentCapacity = currentCapacity;
              result.designedCapacity = designedCapacity;
              result.manufacturer = 'Apple';
              result.serial = util.getValue(lines, 'BatterySerialNumber', '=') || util.getValue(lines, 'Serial', '=');
              result.model = util.getValue(lines, 'DeviceName', '=');
              let percent = null;
              const line = util.getValue(lines, 'internal', 'Battery');
              const parts = line.split(';');
              if (parts && parts[0]) {
                const parts2 = parts[0].split('\t');
                if (parts2 && parts2[1]) {
                  percent = parseFloat(parts2[1].trim().replace(/%/g, ''));
                }
              }
              if (parts && parts[1]) {
                result.isCharging = parts[1].trim() === 'charging';
                result.acConnected = parts[1].trim() !== 'discharging';
              } else {
                result.isCharging = util.getValue(lines, 'ischarging', '=').toLowerCase() === 'yes';
                result.acConnected = result.isCharging;
              }
              if (result.maxCapacity && result.currentCapacity) {
                result.hasBattery = true;
                result.type = 'Li-ion';
                result.percent = percent !== null ? percent : Math.round((100.0 * result.currentCapacity) / result.maxCapacity);
                if (!result.isCharging) {
                  result.timeRemaining = parseInt('0' + util.getValue(lines, 'TimeRemaining', '='), 10);
                }
              }
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        );
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        try {
          const workload = [];
          workload.push(util.powerShell('Get-CimInstance Win32_Battery | select BatteryStatus, DesignCapacity, DesignVoltage, EstimatedChargeRemaining, DeviceID | fl'));
          workload.push(util.powerShell('(Get-WmiObject -Class BatteryStaticData -Namespace ROOT/WMI).DesignedCapacity'));
          workload.push(util.powerShell('(Get-CimInstance -Class BatteryFullChargedCapacity -Namespace ROOT/WMI).FullChargedCapacity'));
          util.promiseAll(workload).then((data) => {
            if (data) {
              const parts = data.results[0].split(/\n\s*\n/);
              const batteries = [];
              const hasValue = (value) => /\S/.test(value);
              for (let i = 0; i < parts.length; i++) {
                // if (hasValue(parts[i]) && (!batteries.length || !hasValue(parts[i - 1]))) {
                //   batteries.push([]);
                // }
                if (hasValue(parts[i])) {
                  // batteries[batteries.length - 1].push(parts[i]);
                  batteries.push(parts[i]);
                }
              }
              const designCapacities = data.results[1].split('\r\n').filter((e) => e);
              const fullChargeCapacities = data.results[2].split('\r\n').filter((e) => e);
              if (batteries.length) {
                let first = false;
                const additionalBatteries = [];
                for (let i = 0; i < batteries.length; i++) {
                  // let lines = batteries[i][0].split('\r\n');
                  const lines = batteries[i].split('\r\n');
                  const designedCapacity = designCapacities && designCapacities.length >= i + 1 && designCapacities[i] ? util.toInt(designCapacities[i]) : 0;
                  const fullChargeCapacity = fullChargeCapacities && fullChargeCapacities.length >= i + 1 && fullChargeCapacities[i] ? util.toInt(fullChargeCapacities[i]) : 0;
                  const parsed = parseWinBatteryPart(lines, designedCapacity, fullChargeCapacity);
                  if (!first && parsed.status > 0 && parsed.status !== 10) {
                    result.hasBattery = parsed.hasBattery;
                    result.maxCapacity = parsed.maxCapacity;
                    result.designedCapacity = parsed.designedCapacity;
                    result.voltage = parsed.voltage;
                    result.capacityUnit = parsed.capacityUnit;
                    result.percent = parsed.percent;
                    result.currentCapacity = parsed.currentCapacity;
                    result.isCharging = parsed.isCharging;
                    result.acConnected = parsed.acConnected;
                    result.model = parsed.model;
                    first = true;
                  } else if (parsed.status !== -1) {
                    additionalBatteries.push({
                      hasBattery: parsed.hasBattery,
                      maxCapacity: parsed.maxCapacity,
                      designedCapacity: parsed.designedCapacity,
                      voltage: parsed.voltage,
                      capacityUnit: parsed.capacityUnit,
                      percent: parsed.percent,
                      currentCapacity: parsed.currentCapacity,
                      isCharging: parsed.isCharging,
                      timeRemaining: null,
                      acConnected: parsed.acConnected,
                      model: parsed.model,
                      type: '',
                      manufacturer: '',
                      serial: ''
                    });
                  }
                }
                if (!first && additionalBatteries.length) {
                  result = additionalBatteries[0];
                  additionalBatteries.shift();
                }
                if (additionalBatteries.length) {
                  result.additionalBatteries = additionalBatteries;
                }
              }
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });

module.exports = (callback) => battery(util.isFunction(callback) ? callback : null);


/***/ }),

/***/ 176:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// audio.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 17. bluetooth
// ----------------------------------------------------------------------------------

const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const path = __nccwpck_require__(928);
const util = __nccwpck_require__(796);
const bluetoothVendors = __nccwpck_require__(697);
const fs = __nccwpck_require__(896);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

function parseBluetoothType(str) {
  let result = '';

  if (str.indexOf('keyboard') >= 0) {
    result = 'Keyboard';
  }
  if (str.indexOf('mouse') >= 0) {
    result = 'Mouse';
  }
  if (str.indexOf('trackpad') >= 0) {
    result = 'Trackpad';
  }
  if (str.indexOf('audio') >= 0) {
    result = 'Audio';
  }
  if (str.indexOf('sound') >= 0) {
    result = 'Audio';
  }
  if (str.indexOf('microph') >= 0) {
    result = 'Microphone';
  }
  if (str.indexOf('speaker') >= 0) {
    result = 'Speaker';
  }
  if (str.indexOf('headset') >= 0) {
    result = 'Headset';
  }
  if (str.indexOf('phone') >= 0) {
    result = 'Phone';
  }
  if (str.indexOf('macbook') >= 0) {
    result = 'Computer';
  }
  if (str.indexOf('imac') >= 0) {
    result = 'Computer';
  }
  if (str.indexOf('ipad') >= 0) {
    result = 'Tablet';
  }
  if (str.indexOf('watch') >= 0) {
    result = 'Watch';
  }
  if (str.indexOf('headphone') >= 0) {
    result = 'Headset';
  }
  // to be continued ...

  return result;
}

function parseBluetoothManufacturer(str) {
  let result = str.split(' ')[0];
  str = str.toLowerCase();
  if (str.indexOf('apple') >= 0) {
    result = 'Apple';
  }
  if (str.indexOf('ipad') >= 0) {
    result = 'Apple';
  }
  if (str.indexOf('imac') >= 0) {
    result = 'Apple';
  }
  if (str.indexOf('iphone') >= 0) {
    result = 'Apple';
  }
  if (str.indexOf('magic mouse') >= 0) {
    result = 'Apple';
  }
  if (str.indexOf('magic track') >= 0) {
    result = 'Apple';
  }
  if (str.indexOf('macbook') >= 0) {
    result = 'Apple';
  }
  // to be continued ...

  return result;
}

function parseBluetoothVendor(str) {
  const id = parseInt(str);
  if (!isNaN(id)) return bluetoothVendors[id];
}

function parseLinuxBluetoothInfo(lines, macAddr1, macAddr2) {
  const result = {};

  result.device = null;
  result.name = util.getValue(lines, 'name', '=');
  result.manufacturer = null;
  result.macDevice = macAddr1;
  result.macHost = macAddr2;
  result.batteryPercent = null;
  result.type = parseBluetoothType(result.name.toLowerCase());
  result.connected = false;

  return result;
}

function parseDarwinBluetoothDevices(bluetoothObject, macAddr2) {
  const result = {};
  const typeStr = (
    (bluetoothObject.device_minorClassOfDevice_string || bluetoothObject.device_majorClassOfDevice_string || bluetoothObject.device_minorType || '') + (bluetoothObject.device_name || '')
  ).toLowerCase();

  result.device = bluetoothObject.device_services || '';
  result.name = bluetoothObject.device_name || '';
  result.manufacturer = bluetoothObject.device_manufacturer || parseBluetoothVendor(bluetoothObject.device_vendorID) || parseBluetoothManufacturer(bluetoothObject.device_name || '') || '';
  result.macDevice = (bluetoothObject.device_addr || bluetoothObject.device_address || '').toLowerCase().replace(/-/g, ':');
  result.macHost = macAddr2;
  result.batteryPercent = bluetoothObject.device_batteryPercent || null;
  result.type = parseBluetoothType(typeStr);
  result.connected = bluetoothObject.device_isconnected === 'attrib_Yes' || false;

  return result;
}

function parseWindowsBluetooth(lines) {
  const result = {};

  result.device = null;
  result.name = util.getValue(lines, 'name', ':');
  result.manufacturer = util.getValue(lines, 'manufacturer', ':');
  result.macDevice = null;
  result.macHost = null;
  result.batteryPercent = null;
  result.type = parseBluetoothType(result.name.toLowerCase());
  result.connected = null;

  return result;
}

function bluetoothDevices(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = [];
      if (_linux) {
        // get files in /var/lib/bluetooth/ recursive
        const btFiles = util.getFilesInPath('/var/lib/bluetooth/');
        btFiles.forEach((element) => {
          const filename = path.basename(element);
          const pathParts = element.split('/');
          const macAddr1 = pathParts.length >= 6 ? pathParts[pathParts.length - 2] : null;
          const macAddr2 = pathParts.length >= 7 ? pathParts[pathParts.length - 3] : null;
          if (filename === 'info') {
            try {
              const infoFile = fs.readFileSync(element, { encoding: 'utf8' }).split('\n');
              result.push(parseLinuxBluetoothInfo(infoFile, macAddr1, macAddr2));
            } catch {
              util.noop();
            }
          }
        });
        // determine "connected" with hcitool con
        try {
          const hdicon = execSync('hcitool con', util.execOptsLinux).toString().toLowerCase();
          for (let i = 0; i < result.length; i++) {
            if (result[i].macDevice && result[i].macDevice.length > 10 && hdicon.indexOf(result[i].macDevice.toLowerCase()) >= 0) {
              result[i].connected = true;
            }
          }
        } catch {
          util.noop();
        }

        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_darwin) {
        let cmd = 'system_profiler SPBluetoothDataType -json';
        exec(cmd, (error, stdout) => {
          if (!error) {
            try {
              const outObj = JSON.parse(stdout.toString());
              if (
                outObj.SPBluetoothDataType &&
                outObj.SPBluetoothDataType.length &&
                outObj.SPBluetoothDataType[0] &&
                outObj.SPBluetoothDataType[0]['device_title'] &&
                outObj.SPBluetoothDataType[0]['device_title'].length
              ) {
                // missing: host BT Adapter macAddr ()
                let macAddr2 = null;
                if (outObj.SPBluetoothDataType[0]['local_device_title'] && outObj.SPBluetoothDataType[0].local_device_title.general_address) {
                  macAddr2 = outObj.SPBluetoothDataType[0].local_device_title.general_address.toLowerCase().replace(/-/g, ':');
                }
                outObj.SPBluetoothDataType[0]['device_title'].forEach((element) => {
                  const obj = element;
                  const objKey = Object.keys(obj);
                  if (objKey && objKey.length === 1) {
                    const innerObject = obj[objKey[0]];
                    innerObject.device_name = objKey[0];
                    const bluetoothDevice = parseDarwinBluetoothDevices(innerObject, macAddr2);
                    result.push(bluetoothDevice);
                  }
                });
              }
              if (
                outObj.SPBluetoothDataType &&
                outObj.SPBluetoothDataType.length &&
                outObj.SPBluetoothDataType[0] &&
                outObj.SPBluetoothDataType[0]['device_connected'] &&
                outObj.SPBluetoothDataType[0]['device_connected'].length
              ) {
                const macAddr2 =
                  outObj.SPBluetoothDataType[0].controller_properties && outObj.SPBluetoothDataType[0].controller_properties.controller_address
                    ? outObj.SPBluetoothDataType[0].controller_properties.controller_address.toLowerCase().replace(/-/g, ':')
                    : null;
                outObj.SPBluetoothDataType[0]['device_connected'].forEach((element) => {
                  const obj = element;
                  const objKey = Object.keys(obj);
                  if (objKey && objKey.length === 1) {
                    const innerObject = obj[objKey[0]];
                    innerObject.device_name = objKey[0];
                    innerObject.device_isconnected = 'attrib_Yes';
                    const bluetoothDevice = parseDarwinBluetoothDevices(innerObject, macAddr2);
                    result.push(bluetoothDevice);
                  }
                });
              }
              if (
                outObj.SPBluetoothDataType &&
                outObj.SPBluetoothDataType.length &&
                outObj.SPBluetoothDataType[0] &&
                outObj.SPBluetoothDataType[0]['device_not_connected'] &&
                outObj.SPBluetoothDataType[0]['device_not_connected'].length
              ) {
                const macAddr2 =
                  outObj.SPBluetoothDataType[0].controller_properties && outObj.SPBluetoothDataType[0].controller_properties.controller_address
                    ? outObj.SPBluetoothDataType[0].controller_properties.controller_address.toLowerCase().replace(/-/g, ':')
                    : null;
                outObj.SPBluetoothDataType[0]['device_not_connected'].forEach((element) => {
                  const obj = element;
                  const objKey = Object.keys(obj);
                  if (objKey && objKey.length === 1) {
                    const innerObject = obj[objKey[0]];
                    innerObject.device_name = objKey[0];
                    innerObject.device_isconnected = 'attrib_No';
                    const bluetoothDevice = parseDarwinBluetoothDevices(innerObject, macAddr2);
                    result.push(bluetoothDevice);
                  }
                });
              }
            } catch {
              util.noop();
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        util.powerShell('Get-CimInstance Win32_PNPEntity | select PNPClass, Name, Manufacturer, Status, Service, ConfigManagerErrorCode, Present | fl').then((stdout, error) => {
          if (!error) {
            const parts = stdout.toString().split(/\n\s*\n/);
            parts.forEach((part) => {
              const lines = part.split('\n');
              const service = util.getValue(lines, 'Service', ':');
              const errorCode = util.getValue(lines, 'ConfigManagerErrorCode', ':');
              const pnpClass = util.getValue(lines, 'PNPClass', ':').toLowerCase();
              if (pnpClass === 'bluetooth' && errorCode === '0' && service === '') {
                result.push(parseWindowsBluetooth(lines));
              }
            });
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_freebsd || _netbsd || _openbsd || _sunos) {
        resolve(null);
      }
    });
  });
}

exports.bluetoothDevices = bluetoothDevices;


/***/ }),

/***/ 697:
/***/ ((module) => {


// @ts-check
module.exports = {
  0x0000: 'Ericsson Technology Licensing',
  0x0001: 'Nokia Mobile Phones',
  0x0002: 'Intel Corp.',
  0x0003: 'IBM Corp.',
  0x0004: 'Toshiba Corp.',
  0x0005: '3Com',
  0x0006: 'Microsoft',
  0x0007: 'Lucent',
  0x0008: 'Motorola',
  0x0009: 'Infineon Technologies AG',
  0x000a: 'Cambridge Silicon Radio',
  0x000b: 'Silicon Wave',
  0x000c: 'Digianswer A/S',
  0x000d: 'Texas Instruments Inc.',
  0x000e: 'Ceva, Inc. (formerly Parthus Technologies, Inc.)',
  0x000f: 'Broadcom Corporation',
  0x0010: 'Mitel Semiconductor',
  0x0011: 'Widcomm, Inc',
  0x0012: 'Zeevo, Inc.',
  0x0013: 'Atmel Corporation',
  0x0014: 'Mitsubishi Electric Corporation',
  0x0015: 'RTX Telecom A/S',
  0x0016: 'KC Technology Inc.',
  0x0017: 'NewLogic',
  0x0018: 'Transilica, Inc.',
  0x0019: 'Rohde & Schwarz GmbH & Co. KG',
  0x001a: 'TTPCom Limited',
  0x001b: 'Signia Technologies, Inc.',
  0x001c: 'Conexant Systems Inc.',
  0x001d: 'Qualcomm',
  0x001e: 'Inventel',
  0x001f: 'AVM Berlin',
  0x0020: 'BandSpeed, Inc.',
  0x0021: 'Mansella Ltd',
  0x0022: 'NEC Corporation',
  0x0023: 'WavePlus Technology Co., Ltd.',
  0x0024: 'Alcatel',
  0x0025: 'NXP Semiconductors (formerly Philips Semiconductors)',
  0x0026: 'C Technologies',
  0x0027: 'Open Interface',
  0x0028: 'R F Micro Devices',
  0x0029: 'Hitachi Ltd',
  0x002a: 'Symbol Technologies, Inc.',
  0x002b: 'Tenovis',
  0x002c: 'Macronix International Co. Ltd.',
  0x002d: 'GCT Semiconductor',
  0x002e: 'Norwood Systems',
  0x002f: 'MewTel Technology Inc.',
  0x0030: 'ST Microelectronics',
  0x0031: 'Synopsis',
  0x0032: 'Red-M (Communications) Ltd',
  0x0033: 'Commil Ltd',
  0x0034: 'Computer Access Technology Corporation (CATC)',
  0x0035: 'Eclipse (HQ Espana) S.L.',
  0x0036: 'Renesas Electronics Corporation',
  0x0037: 'Mobilian Corporation',
  0x0038: 'Terax',
  0x0039: 'Integrated System Solution Corp.',
  0x003a: 'Matsushita Electric Industrial Co., Ltd.',
  0x003b: 'Gennum Corporation',
  0x003c: 'BlackBerry Limited (formerly Research In Motion)',
  0x003d: 'IPextreme, Inc.',
  0x003e: 'Systems and Chips, Inc.',
  0x003f: 'Bluetooth SIG, Inc.',
  0x0040: 'Seiko Epson Corporation',
  0x0041: 'Integrated Silicon Solution Taiwan, Inc.',
  0x0042: 'CONWISE Technology Corporation Ltd',
  0x0043: 'PARROT SA',
  0x0044: 'Socket Mobile',
  0x0045: 'Atheros Communications, Inc.',
  0x0046: 'MediaTek, Inc.',
  0x0047: 'Bluegiga',
  0x0048: 'Marvell Technology Group Ltd.',
  0x0049: '3DSP Corporation',
  0x004a: 'Accel Semiconductor Ltd.',
  0x004b: 'Continental Automotive Systems',
  0x004c: 'Apple, Inc.',
  0x004d: 'Staccato Communications, Inc.',
  0x004e: 'Avago Technologies',
  0x004f: 'APT Licensing Ltd.',
  0x0050: 'SiRF Technology',
  0x0051: 'Tzero Technologies, Inc.',
  0x0052: 'J&M Corporation',
  0x0053: 'Free2move AB',
  0x0054: '3DiJoy Corporation',
  0x0055: 'Plantronics, Inc.',
  0x0056: 'Sony Ericsson Mobile Communications',
  0x0057: 'Harman International Industries, Inc.',
  0x0058: 'Vizio, Inc.',
  0x0059: 'Nordic Semiconductor ASA',
  0x005a: 'EM Microelectronic-Marin SA',
  0x005b: 'Ralink Technology Corporation',
  0x005c: 'Belkin International, Inc.',
  0x005d: 'Realtek Semiconductor Corporation',
  0x005e: 'Stonestreet One, LLC',
  0x005f: 'Wicentric, Inc.',
  0x0060: 'RivieraWaves S.A.S',
  0x0061: 'RDA Microelectronics',
  0x0062: 'Gibson Guitars',
  0x0063: 'MiCommand Inc.',
  0x0064: 'Band XI International, LLC',
  0x0065: 'Hewlett-Packard Company',
  0x0066: '9Solutions Oy',
  0x0067: 'GN Netcom A/S',
  0x0068: 'General Motors',
  0x0069: 'A&D Engineering, Inc.',
  0x006a: 'MindTree Ltd.',
  0x006b: 'Polar Electro OY',
  0x006c: 'Beautiful Enterprise Co., Ltd.',
  0x006d: 'BriarTek, Inc.',
  0x006e: 'Summit Data Communications, Inc.',
  0x006f: 'Sound ID',
  0x0070: 'Monster, LLC',
  0x0071: 'connectBlue AB',
  0x0072: 'ShangHai Super Smart Electronics Co. Ltd.',
  0x0073: 'Group Sense Ltd.',
  0x0074: 'Zomm, LLC',
  0x0075: 'Samsung Electronics Co. Ltd.',
  0x0076: 'Creative Technology Ltd.',
  0x0077: 'Laird Technologies',
  0x0078: 'Nike, Inc.',
  0x0079: 'lesswire AG',
  0x007a: 'MStar Semiconductor, Inc.',
  0x007b: 'Hanlynn Technologies',
  0x007c: 'A & R Cambridge',
  0x007d: 'Seers Technology Co. Ltd',
  0x007e: 'Sports Tracking Technologies Ltd.',
  0x007f: 'Autonet Mobile',
  0x0080: 'DeLorme Publishing Company, Inc.',
  0x0081: 'WuXi Vimicro',
  0x0082: 'Sennheiser Communications A/S',
  0x0083: 'TimeKeeping Systems, Inc.',
  0x0084: 'Ludus Helsinki Ltd.',
  0x0085: 'BlueRadios, Inc.',
  0x0086: 'equinox AG',
  0x0087: 'Garmin International, Inc.',
  0x0088: 'Ecotest',
  0x0089: 'GN ReSound A/S',
  0x008a: 'Jawbone',
  0x008b: 'Topcorn Positioning Systems, LLC',
  0x008c: 'Gimbal Inc. (formerly Qualcomm Labs, Inc. and Qualcomm Retail Solutions, Inc.)',
  0x008d: 'Zscan Software',
  0x008e: 'Quintic Corp.',
  0x008f: 'Stollman E+V GmbH',
  0x0090: 'Funai Electric Co., Ltd.',
  0x0091: 'Advanced PANMOBIL Systems GmbH & Co. KG',
  0x0092: 'ThinkOptics, Inc.',
  0x0093: 'Universal Electronics, Inc.',
  0x0094: 'Airoha Technology Corp.',
  0x0095: 'NEC Lighting, Ltd.',
  0x0096: 'ODM Technology, Inc.',
  0x0097: 'ConnecteDevice Ltd.',
  0x0098: 'zer01.tv GmbH',
  0x0099: 'i.Tech Dynamic Global Distribution Ltd.',
  0x009a: 'Alpwise',
  0x009b: 'Jiangsu Toppower Automotive Electronics Co., Ltd.',
  0x009c: 'Colorfy, Inc.',
  0x009d: 'Geoforce Inc.',
  0x009e: 'Bose Corporation',
  0x009f: 'Suunto Oy',
  0x00a0: 'Kensington Computer Products Group',
  0x00a1: 'SR-Medizinelektronik',
  0x00a2: 'Vertu Corporation Limited',
  0x00a3: 'Meta Watch Ltd.',
  0x00a4: 'LINAK A/S',
  0x00a5: 'OTL Dynamics LLC',
  0x00a6: 'Panda Ocean Inc.',
  0x00a7: 'Visteon Corporation',
  0x00a8: 'ARP Devices Limited',
  0x00a9: 'Magneti Marelli S.p.A',
  0x00aa: 'CAEN RFID srl',
  0x00ab: 'Ingenieur-Systemgruppe Zahn GmbH',
  0x00ac: 'Green Throttle Games',
  0x00ad: 'Peter Systemtechnik GmbH',
  0x00ae: 'Omegawave Oy',
  0x00af: 'Cinetix',
  0x00b0: 'Passif Semiconductor Corp',
  0x00b1: 'Saris Cycling Group, Inc',
  0x00b2: 'Bekey A/S',
  0x00b3: 'Clarinox Technologies Pty. Ltd.',
  0x00b4: 'BDE Technology Co., Ltd.',
  0x00b5: 'Swirl Networks',
  0x00b6: 'Meso international',
  0x00b7: 'TreLab Ltd',
  0x00b8: 'Qualcomm Innovation Center, Inc. (QuIC)',
  0x00b9: 'Johnson Controls, Inc.',
  0x00ba: 'Starkey Laboratories Inc.',
  0x00bb: 'S-Power Electronics Limited',
  0x00bc: 'Ace Sensor Inc',
  0x00bd: 'Aplix Corporation',
  0x00be: 'AAMP of America',
  0x00bf: 'Stalmart Technology Limited',
  0x00c0: 'AMICCOM Electronics Corporation',
  0x00c1: 'Shenzhen Excelsecu Data Technology Co.,Ltd',
  0x00c2: 'Geneq Inc.',
  0x00c3: 'adidas AG',
  0x00c4: 'LG Electronics',
  0x00c5: 'Onset Computer Corporation',
  0x00c6: 'Selfly BV',
  0x00C7: 'Quuppa Oy.',
  0x00C8: 'GeLo Inc',
  0x00C9: 'Evluma',
  0x00CA: 'MC10',
  0x00CB: 'Binauric SE',
  0x00CC: 'Beats Electronics',
  0x00CD: 'Microchip Technology Inc.',
  0x00CE: 'Elgato Systems GmbH',
  0x00CF: 'ARCHOS SA',
  0x00D0: 'Dexcom, Inc.',
  0x00D1: 'Polar Electro Europe B.V.',
  0x00D2: 'Dialog Semiconductor B.V.',
  0x00D3: 'Taixingbang Technology (HK) Co,. LTD.',
  0x00D4: 'Kawantech',
  0x00D5: 'Austco Communication Systems',
  0x00D6: 'Timex Group USA, Inc.',
  0x00D7: 'Qualcomm Technologies, Inc.',
  0x00D8: 'Qualcomm Connected Experiences, Inc.',
  0x00D9: 'Voyetra Turtle Beach',
  0x00DA: 'txtr GmbH',
  0x00DB: 'Biosentronics',
  0x00DC: 'Procter & Gamble',
  0x00DD: 'Hosiden Corporation',
  0x00DE: 'Muzik LLC',
  0x00DF: 'Misfit Wearables Corp',
  0x00E0: 'Google',
  0x00E1: 'Danlers Ltd',
  0x00E2: 'Semilink Inc',
  0x00E3: 'inMusic Brands, Inc',
  0x00E4: 'L.S. Research Inc.',
  0x00E5: 'Eden Software Consultants Ltd.',
  0x00E6: 'Freshtemp',
  0x00e7: 'KS Technologies',
  0x00e8: 'ACTS Technologies',
  0x00e9: 'Vtrack Systems',
  0x00ea: 'Nielsen-Kellerman Company',
  0x00eb: 'Server Technology, Inc.',
  0x00ec: 'BioResearch Associates',
  0x00ed: 'Jolly Logic, LLC',
  0x00ee: 'Above Average Outcomes, Inc.',
  0x00ef: 'Bitsplitters GmbH',
  0x00f0: 'PayPal, Inc.',
  0x00f1: 'Witron Technology Limited',
  0x00f2: 'Aether Things Inc. (formerly Morse Project Inc.)',
  0x00f3: 'Kent Displays Inc.',
  0x00f4: 'Nautilus Inc.',
  0x00f5: 'Smartifier Oy',
  0x00f6: 'Elcometer Limited',
  0x00f7: 'VSN Technologies Inc.',
  0x00f8: 'AceUni Corp., Ltd.',
  0x00f9: 'StickNFind',
  0x00fa: 'Crystal Code AB',
  0x00fb: 'KOUKAAM a.s.',
  0x00fc: 'Delphi Corporation',
  0x00fd: 'ValenceTech Limited',
  0x00fe: 'Reserved',
  0x00ff: 'Typo Products, LLC',
  0x0100: 'TomTom International BV',
  0x0101: 'Fugoo, Inc',
  0x0102: 'Keiser Corporation',
  0x0103: 'Bang & Olufsen A/S',
  0x0104: 'PLUS Locations Systems Pty Ltd',
  0x0105: 'Ubiquitous Computing Technology Corporation',
  0x0106: 'Innovative Yachtter Solutions',
  0x0107: 'William Demant Holding A/S',
  0x0108: 'Chicony Electronics Co., Ltd.',
  0x0109: 'Atus BV',
  0x010a: 'Codegate Ltd.',
  0x010b: 'ERi, Inc.',
  0x010c: 'Transducers Direct, LLC',
  0x010d: 'Fujitsu Ten Limited',
  0x010e: 'Audi AG',
  0x010f: 'HiSilicon Technologies Co., Ltd.',
  0x0110: 'Nippon Seiki Co., Ltd.',
  0x0111: 'Steelseries ApS',
  0x0112: 'vyzybl Inc.',
  0x0113: 'Openbrain Technologies, Co., Ltd.',
  0x0114: 'Xensr',
  0x0115: 'e.solutions',
  0x0116: '1OAK Technologies',
  0x0117: 'Wimoto Technologies Inc',
  0x0118: 'Radius Networks, Inc.',
  0x0119: 'Wize Technology Co., Ltd.',
  0x011a: 'Qualcomm Labs, Inc.',
  0x011b: 'Aruba Networks',
  0x011c: 'Baidu',
  0x011d: 'Arendi AG',
  0x011e: 'Skoda Auto a.s.',
  0x011f: 'Volkswagon AG',
  0x0120: 'Porsche AG',
  0x0121: 'Sino Wealth Electronic Ltd.',
  0x0122: 'AirTurn, Inc.',
  0x0123: 'Kinsa, Inc.',
  0x0124: 'HID Global',
  0x0125: 'SEAT es',
  0x0126: 'Promethean Ltd.',
  0x0127: 'Salutica Allied Solutions',
  0x0128: 'GPSI Group Pty Ltd',
  0x0129: 'Nimble Devices Oy',
  0x012a: 'Changzhou Yongse Infotech Co., Ltd',
  0x012b: 'SportIQ',
  0x012c: 'TEMEC Instruments B.V.',
  0x012d: 'Sony Corporation',
  0x012e: 'ASSA ABLOY',
  0x012f: 'Clarion Co., Ltd.',
  0x0130: 'Warehouse Innovations',
  0x0131: 'Cypress Semiconductor Corporation',
  0x0132: 'MADS Inc',
  0x0133: 'Blue Maestro Limited',
  0x0134: 'Resolution Products, Inc.',
  0x0135: 'Airewear LLC',
  0x0136: 'Seed Labs, Inc. (formerly ETC sp. z.o.o.)',
  0x0137: 'Prestigio Plaza Ltd.',
  0x0138: 'NTEO Inc.',
  0x0139: 'Focus Systems Corporation',
  0x013a: 'Tencent Holdings Limited',
  0x013b: 'Allegion',
  0x013c: 'Murata Manufacuring Co., Ltd.',
  0x013e: 'Nod, Inc.',
  0x013f: 'B&B Manufacturing Company',
  0x0140: 'Alpine Electronics (China) Co., Ltd',
  0x0141: 'FedEx Services',
  0x0142: 'Grape Systems Inc.',
  0x0143: 'Bkon Connect',
  0x0144: 'Lintech GmbH',
  0x0145: 'Novatel Wireless',
  0x0146: 'Ciright',
  0x0147: 'Mighty Cast, Inc.',
  0x0148: 'Ambimat Electronics',
  0x0149: 'Perytons Ltd.',
  0x014a: 'Tivoli Audio, LLC',
  0x014b: 'Master Lock',
  0x014c: 'Mesh-Net Ltd',
  0x014d: 'Huizhou Desay SV Automotive CO., LTD.',
  0x014e: 'Tangerine, Inc.',
  0x014f: 'B&W Group Ltd.',
  0x0150: 'Pioneer Corporation',
  0x0151: 'OnBeep',
  0x0152: 'Vernier Software & Technology',
  0x0153: 'ROL Ergo',
  0x0154: 'Pebble Technology',
  0x0155: 'NETATMO',
  0x0156: 'Accumulate AB',
  0x0157: 'Anhui Huami Information Technology Co., Ltd.',
  0x0158: 'Inmite s.r.o.',
  0x0159: 'ChefSteps, Inc.',
  0x015a: 'micas AG',
  0x015b: 'Biomedical Research Ltd.',
  0x015c: 'Pitius Tec S.L.',
  0x015d: 'Estimote, Inc.',
  0x015e: 'Unikey Technologies, Inc.',
  0x015f: 'Timer Cap Co.',
  0x0160: 'AwoX',
  0x0161: 'yikes',
  0x0162: 'MADSGlobal NZ Ltd.',
  0x0163: 'PCH International',
  0x0164: 'Qingdao Yeelink Information Technology Co., Ltd.',
  0x0165: 'Milwaukee Tool (formerly Milwaukee Electric Tools)',
  0x0166: 'MISHIK Pte Ltd',
  0x0167: 'Bayer HealthCare',
  0x0168: 'Spicebox LLC',
  0x0169: 'emberlight',
  0x016a: 'Cooper-Atkins Corporation',
  0x016b: 'Qblinks',
  0x016c: 'MYSPHERA',
  0x016d: 'LifeScan Inc',
  0x016e: 'Volantic AB',
  0x016f: 'Podo Labs, Inc',
  0x0170: 'Roche Diabetes Care AG',
  0x0171: 'Amazon Fulfillment Service',
  0x0172: 'Connovate Technology Private Limited',
  0x0173: 'Kocomojo, LLC',
  0x0174: 'Everykey LLC',
  0x0175: 'Dynamic Controls',
  0x0176: 'SentriLock',
  0x0177: 'I-SYST inc.',
  0x0178: 'CASIO COMPUTER CO., LTD.',
  0x0179: 'LAPIS Semiconductor Co., Ltd.',
  0x017a: 'Telemonitor, Inc.',
  0x017b: 'taskit GmbH',
  0x017c: 'Daimler AG',
  0x017d: 'BatAndCat',
  0x017e: 'BluDotz Ltd',
  0x017f: 'XTel ApS',
  0x0180: 'Gigaset Communications GmbH',
  0x0181: 'Gecko Health Innovations, Inc.',
  0x0182: 'HOP Ubiquitous',
  0x0183: 'To Be Assigned',
  0x0184: 'Nectar',
  0x0185: 'bel’apps LLC',
  0x0186: 'CORE Lighting Ltd',
  0x0187: 'Seraphim Sense Ltd',
  0x0188: 'Unico RBC',
  0x0189: 'Physical Enterprises Inc.',
  0x018a: 'Able Trend Technology Limited',
  0x018b: 'Konica Minolta, Inc.',
  0x018c: 'Wilo SE',
  0x018d: 'Extron Design Services',
  0x018e: 'Fitbit, Inc.',
  0x018f: 'Fireflies Systems',
  0x0190: 'Intelletto Technologies Inc.',
  0x0191: 'FDK CORPORATION',
  0x0192: 'Cloudleaf, Inc',
  0x0193: 'Maveric Automation LLC',
  0x0194: 'Acoustic Stream Corporation',
  0x0195: 'Zuli',
  0x0196: 'Paxton Access Ltd',
  0x0197: 'WiSilica Inc',
  0x0198: 'Vengit Limited',
  0x0199: 'SALTO SYSTEMS S.L.',
  0x019a: 'TRON Forum (formerly T-Engine Forum)',
  0x019b: 'CUBETECH s.r.o.',
  0x019c: 'Cokiya Incorporated',
  0x019d: 'CVS Health',
  0x019e: 'Ceruus',
  0x019f: 'Strainstall Ltd',
  0x01a0: 'Channel Enterprises (HK) Ltd.',
  0x01a1: 'FIAMM',
  0x01a2: 'GIGALANE.CO.,LTD',
  0x01a3: 'EROAD',
  0x01a4: 'Mine Safety Appliances',
  0x01a5: 'Icon Health and Fitness',
  0x01a6: 'Asandoo GmbH',
  0x01a7: 'ENERGOUS CORPORATION',
  0x01a8: 'Taobao',
  0x01a9: 'Canon Inc.',
  0x01aa: 'Geophysical Technology Inc.',
  0x01ab: 'Facebook, Inc.',
  0x01ac: 'Nipro Diagnostics, Inc.',
  0x01ad: 'FlightSafety International',
  0x01ae: 'Earlens Corporation',
  0x01af: 'Sunrise Micro Devices, Inc.',
  0x01b0: 'Star Micronics Co., Ltd.',
  0x01b1: 'Netizens Sp. z o.o.',
  0x01b2: 'Nymi Inc.',
  0x01b3: 'Nytec, Inc.',
  0x01b4: 'Trineo Sp. z o.o.',
  0x01b5: 'Nest Labs Inc.',
  0x01b6: 'LM Technologies Ltd',
  0x01b7: 'General Electric Company',
  0x01b8: 'i+D3 S.L.',
  0x01b9: 'HANA Micron',
  0x01ba: 'Stages Cycling LLC',
  0x01bb: 'Cochlear Bone Anchored Solutions AB',
  0x01bc: 'SenionLab AB',
  0x01bd: 'Syszone Co., Ltd',
  0x01be: 'Pulsate Mobile Ltd.',
  0x01bf: 'Hong Kong HunterSun Electronic Limited',
  0x01c0: 'pironex GmbH',
  0x01c1: 'BRADATECH Corp.',
  0x01c2: 'Transenergooil AG',
  0x01c3: 'Bunch',
  0x01c4: 'DME Microelectronics',
  0x01c5: 'Bitcraze AB',
  0x01c6: 'HASWARE Inc.',
  0x01c7: 'Abiogenix Inc.',
  0x01c8: 'Poly-Control ApS',
  0x01c9: 'Avi-on',
  0x01ca: 'Laerdal Medical AS',
  0x01cb: 'Fetch My Pet',
  0x01cc: 'Sam Labs Ltd.',
  0x01cd: 'Chengdu Synwing Technology Ltd',
  0x01ce: 'HOUWA SYSTEM DESIGN, k.k.',
  0x01cf: 'BSH',
  0x01d0: 'Primus Inter Pares Ltd',
  0x01d1: 'August',
  0x01d2: 'Gill Electronics',
  0x01d3: 'Sky Wave Design',
  0x01d4: 'Newlab S.r.l.',
  0x01d5: 'ELAD srl',
  0x01d6: 'G-wearables inc.',
  0x01d7: 'Squadrone Systems Inc.',
  0x01d8: 'Code Corporation',
  0x01d9: 'Savant Systems LLC',
  0x01da: 'Logitech International SA',
  0x01db: 'Innblue Consulting',
  0x01dc: 'iParking Ltd.',
  0x01dd: 'Koninklijke Philips Electronics N.V.',
  0x01de: 'Minelab Electronics Pty Limited',
  0x01df: 'Bison Group Ltd.',
  0x01e0: 'Widex A/S',
  0x01e1: 'Jolla Ltd',
  0x01e2: 'Lectronix, Inc.',
  0x01e3: 'Caterpillar Inc',
  0x01e4: 'Freedom Innovations',
  0x01e5: 'Dynamic Devices Ltd',
  0x01e6: 'Technology Solutions (UK) Ltd',
  0x01e7: 'IPS Group Inc.',
  0x01e8: 'STIR',
  0x01e9: 'Sano, Inc',
  0x01ea: 'Advanced Application Design, Inc.',
  0x01eb: 'AutoMap LLC',
  0x01ec: 'Spreadtrum Communications Shanghai Ltd',
  0x01ed: 'CuteCircuit LTD',
  0x01ee: 'Valeo Service',
  0x01ef: 'Fullpower Technologies, Inc.',
  0x01f0: 'KloudNation',
  0x01f1: 'Zebra Technologies Corporation',
  0x01f2: 'Itron, Inc.',
  0x01f3: 'The University of Tokyo',
  0x01f4: 'UTC Fire and Security',
  0x01f5: 'Cool Webthings Limited',
  0x01f6: 'DJO Global',
  0x01f7: 'Gelliner Limited',
  0x01f8: 'Anyka (Guangzhou) Microelectronics Technology Co, LTD',
  0x01f9: 'Medtronic, Inc.',
  0x01fa: 'Gozio, Inc.',
  0x01fb: 'Form Lifting, LLC',
  0x01fc: 'Wahoo Fitness, LLC',
  0x01fd: 'Kontakt Micro-Location Sp. z o.o.',
  0x01fe: 'Radio System Corporation',
  0x01ff: 'Freescale Semiconductor, Inc.',
  0x0200: 'Verifone Systems PTe Ltd. Taiwan Branch',
  0x0201: 'AR Timing',
  0x0202: 'Rigado LLC',
  0x0203: 'Kemppi Oy',
  0x0204: 'Tapcentive Inc.',
  0x0205: 'Smartbotics Inc.',
  0x0206: 'Otter Products, LLC',
  0x0207: 'STEMP Inc.',
  0x0208: 'LumiGeek LLC',
  0x0209: 'InvisionHeart Inc.',
  0x020A: 'Macnica Inc. ',
  0x020b: 'Jaguar Land Rover Limited',
  0x020c: 'CoroWare Technologies, Inc',
  0x020d: 'Simplo Technology Co., LTD',
  0x020e: 'Omron Healthcare Co., LTD',
  0x020f: 'Comodule GMBH',
  0x0210: 'ikeGPS',
  0x0211: 'Telink Semiconductor Co. Ltd',
  0x0212: 'Interplan Co., Ltd',
  0x0213: 'Wyler AG',
  0x0214: 'IK Multimedia Production srl',
  0x0215: 'Lukoton Experience Oy',
  0x0216: 'MTI Ltd',
  0x0217: 'Tech4home, Lda',
  0x0218: 'Hiotech AB',
  0x0219: 'DOTT Limited',
  0x021A: 'Blue Speck Labs, LLC',
  0x021B: 'Cisco Systems, Inc',
  0x021C: 'Mobicomm Inc',
  0x021D: 'Edamic',
  0x021E: 'Goodnet, Ltd',
  0x021F: 'Luster Leaf Products Inc',
  0x0220: 'Manus Machina BV',
  0x0221: 'Mobiquity Networks Inc',
  0x0222: 'Praxis Dynamics',
  0x0223: 'Philip Morris Products S.A.',
  0x0224: 'Comarch SA',
  0x0225: 'Nestl Nespresso S.A.',
  0x0226: 'Merlinia A/S',
  0x0227: 'LifeBEAM Technologies',
  0x0228: 'Twocanoes Labs, LLC',
  0x0229: 'Muoverti Limited',
  0x022A: 'Stamer Musikanlagen GMBH',
  0x022B: 'Tesla Motors',
  0x022C: 'Pharynks Corporation',
  0x022D: 'Lupine',
  0x022E: 'Siemens AG',
  0x022F: 'Huami (Shanghai) Culture Communication CO., LTD',
  0x0230: 'Foster Electric Company, Ltd',
  0x0231: 'ETA SA',
  0x0232: 'x-Senso Solutions Kft',
  0x0233: 'Shenzhen SuLong Communication Ltd',
  0x0234: 'FengFan (BeiJing) Technology Co, Ltd',
  0x0235: 'Qrio Inc',
  0x0236: 'Pitpatpet Ltd',
  0x0237: 'MSHeli s.r.l.',
  0x0238: 'Trakm8 Ltd',
  0x0239: 'JIN CO, Ltd',
  0x023A: 'Alatech Tehnology',
  0x023B: 'Beijing CarePulse Electronic Technology Co, Ltd',
  0x023C: 'Awarepoint',
  0x023D: 'ViCentra B.V.',
  0x023E: 'Raven Industries',
  0x023F: 'WaveWare Technologies Inc.',
  0x0240: 'Argenox Technologies',
  0x0241: 'Bragi GmbH',
  0x0242: '16Lab Inc',
  0x0243: 'Masimo Corp',
  0x0244: 'Iotera Inc',
  0x0245: 'Endress+Hauser',
  0x0246: 'ACKme Networks, Inc.',
  0x0247: 'FiftyThree Inc.',
  0x0248: 'Parker Hannifin Corp',
  0x0249: 'Transcranial Ltd',
  0x024A: 'Uwatec AG',
  0x024B: 'Orlan LLC',
  0x024C: 'Blue Clover Devices',
  0x024D: 'M-Way Solutions GmbH',
  0x024E: 'Microtronics Engineering GmbH',
  0x024F: 'Schneider Schreibgerte GmbH',
  0x0250: 'Sapphire Circuits LLC',
  0x0251: 'Lumo Bodytech Inc.',
  0x0252: 'UKC Technosolution',
  0x0253: 'Xicato Inc.',
  0x0254: 'Playbrush',
  0x0255: 'Dai Nippon Printing Co., Ltd.',
  0x0256: 'G24 Power Limited',
  0x0257: 'AdBabble Local Commerce Inc.',
  0x0258: 'Devialet SA',
  0x0259: 'ALTYOR',
  0x025A: 'University of Applied Sciences Valais/Haute Ecole Valaisanne',
  0x025B: 'Five Interactive, LLC dba Zendo',
  0x025C: 'NetEaseHangzhouNetwork co.Ltd.',
  0x025D: 'Lexmark International Inc.',
  0x025E: 'Fluke Corporation',
  0x025F: 'Yardarm Technologies',
  0x0260: 'SensaRx',
  0x0261: 'SECVRE GmbH',
  0x0262: 'Glacial Ridge Technologies',
  0x0263: 'Identiv, Inc.',
  0x0264: 'DDS, Inc.',
  0x0265: 'SMK Corporation',
  0x0266: 'Schawbel Technologies LLC',
  0x0267: 'XMI Systems SA',
  0x0268: 'Cerevo',
  0x0269: 'Torrox GmbH & Co KG',
  0x026A: 'Gemalto',
  0x026B: 'DEKA Research & Development Corp.',
  0x026C: 'Domster Tadeusz Szydlowski',
  0x026D: 'Technogym SPA',
  0x026E: 'FLEURBAEY BVBA',
  0x026F: 'Aptcode Solutions',
  0x0270: 'LSI ADL Technology',
  0x0271: 'Animas Corp',
  0x0272: 'Alps Electric Co., Ltd.',
  0x0273: 'OCEASOFT',
  0x0274: 'Motsai Research',
  0x0275: 'Geotab',
  0x0276: 'E.G.O. Elektro-Gertebau GmbH',
  0x0277: 'bewhere inc',
  0x0278: 'Johnson Outdoors Inc',
  0x0279: 'steute Schaltgerate GmbH & Co. KG',
  0x027A: 'Ekomini inc.',
  0x027B: 'DEFA AS',
  0x027C: 'Aseptika Ltd',
  0x027D: 'HUAWEI Technologies Co., Ltd. ( )',
  0x027E: 'HabitAware, LLC',
  0x027F: 'ruwido austria gmbh',
  0x0280: 'ITEC corporation',
  0x0281: 'StoneL',
  0x0282: 'Sonova AG',
  0x0283: 'Maven Machines, Inc.',
  0x0284: 'Synapse Electronics',
  0x0285: 'Standard Innovation Inc.',
  0x0286: 'RF Code, Inc.',
  0x0287: 'Wally Ventures S.L.',
  0x0288: 'Willowbank Electronics Ltd',
  0x0289: 'SK Telecom',
  0x028A: 'Jetro AS',
  0x028B: 'Code Gears LTD',
  0x028C: 'NANOLINK APS',
  0x028D: 'IF, LLC',
  0x028E: 'RF Digital Corp',
  0x028F: 'Church & Dwight Co., Inc',
  0x0290: 'Multibit Oy',
  0x0291: 'CliniCloud Inc',
  0x0292: 'SwiftSensors',
  0x0293: 'Blue Bite',
  0x0294: 'ELIAS GmbH',
  0x0295: 'Sivantos GmbH',
  0x0296: 'Petzl',
  0x0297: 'storm power ltd',
  0x0298: 'EISST Ltd',
  0x0299: 'Inexess Technology Simma KG',
  0x029A: 'Currant, Inc.',
  0x029B: 'C2 Development, Inc.',
  0x029C: 'Blue Sky Scientific, LLC',
  0x029D: 'ALOTTAZS LABS, LLC',
  0x029E: 'Kupson spol. s r.o.',
  0x029F: 'Areus Engineering GmbH',
  0x02A0: 'Impossible Camera GmbH',
  0x02A1: 'InventureTrack Systems',
  0x02A2: 'LockedUp',
  0x02A3: 'Itude',
  0x02A4: 'Pacific Lock Company',
  0x02A5: 'Tendyron Corporation ( )',
  0x02A6: 'Robert Bosch GmbH',
  0x02A7: 'Illuxtron international B.V.',
  0x02A8: 'miSport Ltd.',
  0x02A9: 'Chargelib',
  0x02AA: 'Doppler Lab',
  0x02AB: 'BBPOS Limited',
  0x02AC: 'RTB Elektronik GmbH & Co. KG',
  0x02AD: 'Rx Networks, Inc.',
  0x02AE: 'WeatherFlow, Inc.',
  0x02AF: 'Technicolor USA Inc.',
  0x02B0: 'Bestechnic(Shanghai),Ltd',
  0x02B1: 'Raden Inc',
  0x02B2: 'JouZen Oy',
  0x02B3: 'CLABER S.P.A.',
  0x02B4: 'Hyginex, Inc.',
  0x02B5: 'HANSHIN ELECTRIC RAILWAY CO.,LTD.',
  0x02B6: 'Schneider Electric',
  0x02B7: 'Oort Technologies LLC',
  0x02B8: 'Chrono Therapeutics',
  0x02B9: 'Rinnai Corporation',
  0x02BA: 'Swissprime Technologies AG',
  0x02BB: 'Koha.,Co.Ltd',
  0x02BC: 'Genevac Ltd',
  0x02BD: 'Chemtronics',
  0x02BE: 'Seguro Technology Sp. z o.o.',
  0x02BF: 'Redbird Flight Simulations',
  0x02C0: 'Dash Robotics',
  0x02C1: 'LINE Corporation',
  0x02C2: 'Guillemot Corporation',
  0x02C3: 'Techtronic Power Tools Technology Limited',
  0x02C4: 'Wilson Sporting Goods',
  0x02C5: 'Lenovo (Singapore) Pte Ltd. ( )',
  0x02C6: 'Ayatan Sensors',
  0x02C7: 'Electronics Tomorrow Limited',
  0x02C8: 'VASCO Data Security International, Inc.',
  0x02C9: 'PayRange Inc.',
  0x02CA: 'ABOV Semiconductor',
  0x02CB: 'AINA-Wireless Inc.',
  0x02CC: 'Eijkelkamp Soil & Water',
  0x02CD: 'BMA ergonomics b.v.',
  0x02CE: 'Teva Branded Pharmaceutical Products R&D, Inc.',
  0x02CF: 'Anima',
  0x02D0: '3M',
  0x02D1: 'Empatica Srl',
  0x02D2: 'Afero, Inc.',
  0x02D3: 'Powercast Corporation',
  0x02D4: 'Secuyou ApS',
  0x02D5: 'OMRON Corporation',
  0x02D6: 'Send Solutions',
  0x02D7: 'NIPPON SYSTEMWARE CO.,LTD.',
  0x02D8: 'Neosfar',
  0x02D9: 'Fliegl Agrartechnik GmbH',
  0x02DA: 'Gilvader',
  0x02DB: 'Digi International Inc (R)',
  0x02DC: 'DeWalch Technologies, Inc.',
  0x02DD: 'Flint Rehabilitation Devices, LLC',
  0x02DE: 'Samsung SDS Co., Ltd.',
  0x02DF: 'Blur Product Development',
  0x02E0: 'University of Michigan',
  0x02E1: 'Victron Energy BV',
  0x02E2: 'NTT docomo',
  0x02E3: 'Carmanah Technologies Corp.',
  0x02E4: 'Bytestorm Ltd.',
  0x02E5: 'Espressif Incorporated ( () )',
  0x02E6: 'Unwire',
  0x02E7: 'Connected Yard, Inc.',
  0x02E8: 'American Music Environments',
  0x02E9: 'Sensogram Technologies, Inc.',
  0x02EA: 'Fujitsu Limited',
  0x02EB: 'Ardic Technology',
  0x02EC: 'Delta Systems, Inc',
  0x02ED: 'HTC Corporation',
  0x02EE: 'Citizen Holdings Co., Ltd.',
  0x02EF: 'SMART-INNOVATION.inc',
  0x02F0: 'Blackrat Software',
  0x02F1: 'The Idea Cave, LLC',
  0x02F2: 'GoPro, Inc.',
  0x02F3: 'AuthAir, Inc',
  0x02F4: 'Vensi, Inc.',
  0x02F5: 'Indagem Tech LLC',
  0x02F6: 'Intemo Technologies',
  0x02F7: 'DreamVisions co., Ltd.',
  0x02F8: 'Runteq Oy Ltd',
  0x02F9: 'IMAGINATION TECHNOLOGIES LTD',
  0x02FA: 'CoSTAR TEchnologies',
  0x02FB: 'Clarius Mobile Health Corp.',
  0x02FC: 'Shanghai Frequen Microelectronics Co., Ltd.',
  0x02FD: 'Uwanna, Inc.',
  0x02FE: 'Lierda Science & Technology Group Co., Ltd.',
  0x02FF: 'Silicon Laboratories',
  0x0300: 'World Moto Inc.',
  0x0301: 'Giatec Scientific Inc.',
  0x0302: 'Loop Devices, Inc',
  0x0303: 'IACA electronique',
  0x0304: 'Martians Inc',
  0x0305: 'Swipp ApS',
  0x0306: 'Life Laboratory Inc.',
  0x0307: 'FUJI INDUSTRIAL CO.,LTD.',
  0x0308: 'Surefire, LLC',
  0x0309: 'Dolby Labs',
  0x030A: 'Ellisys',
  0x030B: 'Magnitude Lighting Converters',
  0x030C: 'Hilti AG',
  0x030D: 'Devdata S.r.l.',
  0x030E: 'Deviceworx',
  0x030F: 'Shortcut Labs',
  0x0310: 'SGL Italia S.r.l.',
  0x0311: 'PEEQ DATA',
  0x0312: 'Ducere Technologies Pvt Ltd',
  0x0313: 'DiveNav, Inc.',
  0x0314: 'RIIG AI Sp. z o.o.',
  0x0315: 'Thermo Fisher Scientific',
  0x0316: 'AG Measurematics Pvt. Ltd.',
  0x0317: 'CHUO Electronics CO., LTD.',
  0x0318: 'Aspenta International',
  0x0319: 'Eugster Frismag AG',
  0x031A: 'Amber wireless GmbH',
  0x031B: 'HQ Inc',
  0x031C: 'Lab Sensor Solutions',
  0x031D: 'Enterlab ApS',
  0x031E: 'Eyefi, Inc.',
  0x031F: 'MetaSystem S.p.A.',
  0x0320: 'SONO ELECTRONICS. CO., LTD',
  0x0321: 'Jewelbots',
  0x0322: 'Compumedics Limited',
  0x0323: 'Rotor Bike Components',
  0x0324: 'Astro, Inc.',
  0x0325: 'Amotus Solutions',
  0x0326: 'Healthwear Technologies (Changzhou)Ltd',
  0x0327: 'Essex Electronics',
  0x0328: 'Grundfos A/S',
  0x0329: 'Eargo, Inc.',
  0x032A: 'Electronic Design Lab',
  0x032B: 'ESYLUX',
  0x032C: 'NIPPON SMT.CO.,Ltd',
  0x032D: 'BM innovations GmbH',
  0x032E: 'indoormap',
  0x032F: 'OttoQ Inc',
  0x0330: 'North Pole Engineering',
  0x0331: '3flares Technologies Inc.',
  0x0332: 'Electrocompaniet A.S.',
  0x0333: 'Mul-T-Lock',
  0x0334: 'Corentium AS',
  0x0335: 'Enlighted Inc',
  0x0336: 'GISTIC',
  0x0337: 'AJP2 Holdings, LLC',
  0x0338: 'COBI GmbH',
  0x0339: 'Blue Sky Scientific, LLC',
  0x033A: 'Appception, Inc.',
  0x033B: 'Courtney Thorne Limited',
  0x033C: 'Virtuosys',
  0x033D: 'TPV Technology Limited',
  0x033E: 'Monitra SA',
  0x033F: 'Automation Components, Inc.',
  0x0340: 'Letsense s.r.l.',
  0x0341: 'Etesian Technologies LLC',
  0x0342: 'GERTEC BRASIL LTDA.',
  0x0343: 'Drekker Development Pty. Ltd.',
  0x0344: 'Whirl Inc',
  0x0345: 'Locus Positioning',
  0x0346: 'Acuity Brands Lighting, Inc',
  0x0347: 'Prevent Biometrics',
  0x0348: 'Arioneo',
  0x0349: 'VersaMe',
  0x034A: 'Vaddio',
  0x034B: 'Libratone A/S',
  0x034C: 'HM Electronics, Inc.',
  0x034D: 'TASER International, Inc.',
  0x034E: 'SafeTrust Inc.',
  0x034F: 'Heartland Payment Systems',
  0x0350: 'Bitstrata Systems Inc.',
  0x0351: 'Pieps GmbH',
  0x0352: 'iRiding(Xiamen)Technology Co.,Ltd.',
  0x0353: 'Alpha Audiotronics, Inc.',
  0x0354: 'TOPPAN FORMS CO.,LTD.',
  0x0355: 'Sigma Designs, Inc.',
  0x0356: 'Spectrum Brands, Inc.',
  0x0357: 'Polymap Wireless',
  0x0358: 'MagniWare Ltd.',
  0x0359: 'Novotec Medical GmbH',
  0x035A: 'Medicom Innovation Partner a/s',
  0x035B: 'Matrix Inc.',
  0x035C: 'Eaton Corporation',
  0x035D: 'KYS',
  0x035E: 'Naya Health, Inc.',
  0x035F: 'Acromag',
  0x0360: 'Insulet Corporation',
  0x0361: 'Wellinks Inc.',
  0x0362: 'ON Semiconductor',
  0x0363: 'FREELAP SA',
  0x0364: 'Favero Electronics Srl',
  0x0365: 'BioMech Sensor LLC',
  0x0366: 'BOLTT Sports technologies Private limited',
  0x0367: 'Saphe International',
  0x0368: 'Metormote AB',
  0x0369: 'littleBits',
  0x036A: 'SetPoint Medical',
  0x036B: 'BRControls Products BV',
  0x036C: 'Zipcar',
  0x036D: 'AirBolt Pty Ltd',
  0x036E: 'KeepTruckin Inc',
  0x036F: 'Motiv, Inc.',
  0x0370: 'Wazombi Labs O',
  0x0371: 'ORBCOMM',
  0x0372: 'Nixie Labs, Inc.',
  0x0373: 'AppNearMe Ltd',
  0x0374: 'Holman Industries',
  0x0375: 'Expain AS',
  0x0376: 'Electronic Temperature Instruments Ltd',
  0x0377: 'Plejd AB',
  0x0378: 'Propeller Health',
  0x0379: 'Shenzhen iMCO Electronic Technology Co.,Ltd',
  0x037A: 'Algoria',
  0x037B: 'Apption Labs Inc.',
  0x037C: 'Cronologics Corporation',
  0x037D: 'MICRODIA Ltd.',
  0x037E: 'lulabytes S.L.',
  0x037F: 'Nestec S.A.',
  0x0380: 'LLC MEGA - F service',
  0x0381: 'Sharp Corporation',
  0x0382: 'Precision Outcomes Ltd',
  0x0383: 'Kronos Incorporated',
  0x0384: 'OCOSMOS Co., Ltd.',
  0x0385: 'Embedded Electronic Solutions Ltd. dba e2Solutions',
  0x0386: 'Aterica Inc.',
  0x0387: 'BluStor PMC, Inc.',
  0x0388: 'Kapsch TrafficCom AB',
  0x0389: 'ActiveBlu Corporation',
  0x038A: 'Kohler Mira Limited',
  0x038B: 'Noke',
  0x038C: 'Appion Inc.',
  0x038D: 'Resmed Ltd',
  0x038E: 'Crownstone B.V.',
  0x038F: 'Xiaomi Inc.',
  0x0390: 'INFOTECH s.r.o.',
  0x0391: 'Thingsquare AB',
  0x0392: 'T&D',
  0x0393: 'LAVAZZA S.p.A.',
  0x0394: 'Netclearance Systems, Inc.',
  0x0395: 'SDATAWAY',
  0x0396: 'BLOKS GmbH',
  0x0397: 'LEGO System A/S',
  0x0398: 'Thetatronics Ltd',
  0x0399: 'Nikon Corporation',
  0x039A: 'NeST',
  0x039B: 'South Silicon Valley Microelectronics',
  0x039C: 'ALE International',
  0x039D: 'CareView Communications, Inc.',
  0x039E: 'SchoolBoard Limited',
  0x039F: 'Molex Corporation',
  0x03A0: 'IVT Wireless Limited',
  0x03A1: 'Alpine Labs LLC',
  0x03A2: 'Candura Instruments',
  0x03A3: 'SmartMovt Technology Co., Ltd',
  0x03A4: 'Token Zero Ltd',
  0x03A5: 'ACE CAD Enterprise Co., Ltd. (ACECAD)',
  0x03A6: 'Medela, Inc',
  0x03A7: 'AeroScout',
  0x03A8: 'Esrille Inc.',
  0x03A9: 'THINKERLY SRL',
  0x03AA: 'Exon Sp. z o.o.',
  0x03AB: 'Meizu Technology Co., Ltd.',
  0x03AC: 'Smablo LTD',
  0x03AD: 'XiQ',
  0x03AE: 'Allswell Inc.',
  0x03AF: 'Comm-N-Sense Corp DBA Verigo',
  0x03B0: 'VIBRADORM GmbH',
  0x03B1: 'Otodata Wireless Network Inc.',
  0x03B2: 'Propagation Systems Limited',
  0x03B3: 'Midwest Instruments & Controls',
  0x03B4: 'Alpha Nodus, inc.',
  0x03B5: 'petPOMM, Inc',
  0x03B6: 'Mattel',
  0x03B7: 'Airbly Inc.',
  0x03B8: 'A-Safe Limited',
  0x03B9: 'FREDERIQUE CONSTANT SA',
  0x03BA: 'Maxscend Microelectronics Company Limited',
  0x03BB: 'Abbott Diabetes Care',
  0x03BC: 'ASB Bank Ltd',
  0x03BD: 'amadas',
  0x03BE: 'Applied Science, Inc.',
  0x03BF: 'iLumi Solutions Inc.',
  0x03C0: 'Arch Systems Inc.',
  0x03C1: 'Ember Technologies, Inc.',
  0x03C2: 'Snapchat Inc',
  0x03C3: 'Casambi Technologies Oy',
  0x03C4: 'Pico Technology Inc.',
  0x03C5: 'St. Jude Medical, Inc.',
  0x03C6: 'Intricon',
  0x03C7: 'Structural Health Systems, Inc.',
  0x03C8: 'Avvel International',
  0x03C9: 'Gallagher Group',
  0x03CA: 'In2things Automation Pvt. Ltd.',
  0x03CB: 'SYSDEV Srl',
  0x03CC: 'Vonkil Technologies Ltd',
  0x03CD: 'Wynd Technologies, Inc.',
  0x03CE: 'CONTRINEX S.A.',
  0x03CF: 'MIRA, Inc.',
  0x03D0: 'Watteam Ltd',
  0x03D1: 'Density Inc.',
  0x03D2: 'IOT Pot India Private Limited',
  0x03D3: 'Sigma Connectivity AB',
  0x03D4: 'PEG PEREGO SPA',
  0x03D5: 'Wyzelink Systems Inc.',
  0x03D6: 'Yota Devices LTD',
  0x03D7: 'FINSECUR',
  0x03D8: 'Zen-Me Labs Ltd',
  0x03D9: '3IWare Co., Ltd.',
  0x03DA: 'EnOcean GmbH',
  0x03DB: 'Instabeat, Inc',
  0x03DC: 'Nima Labs',
  0x03DD: 'Andreas Stihl AG & Co. KG',
  0x03DE: 'Nathan Rhoades LLC',
  0x03DF: 'Grob Technologies, LLC',
  0x03E0: 'Actions (Zhuhai) Technology Co., Limited',
  0x03E1: 'SPD Development Company Ltd',
  0x03E2: 'Sensoan Oy',
  0x03E3: 'Qualcomm Life Inc',
  0x03E4: 'Chip-ing AG',
  0x03E5: 'ffly4u',
  0x03E6: 'IoT Instruments Oy',
  0x03E7: 'TRUE Fitness Technology',
  0x03E8: 'Reiner Kartengeraete GmbH & Co. KG.',
  0x03E9: 'SHENZHEN LEMONJOY TECHNOLOGY CO., LTD.',
  0x03EA: 'Hello Inc.',
  0x03EB: 'Evollve Inc.',
  0x03EC: 'Jigowatts Inc.',
  0x03ED: 'BASIC MICRO.COM,INC.',
  0x03EE: 'CUBE TECHNOLOGIES',
  0x03EF: 'foolography GmbH',
  0x03F0: 'CLINK',
  0x03F1: 'Hestan Smart Cooking Inc.',
  0x03F2: 'WindowMaster A/S',
  0x03F3: 'Flowscape AB',
  0x03F4: 'PAL Technologies Ltd',
  0x03F5: 'WHERE, Inc.',
  0x03F6: 'Iton Technology Corp.',
  0x03F7: 'Owl Labs Inc.',
  0x03F8: 'Rockford Corp.',
  0x03F9: 'Becon Technologies Co.,Ltd.',
  0x03FA: 'Vyassoft Technologies Inc',
  0x03FB: 'Nox Medical',
  0x03FC: 'Kimberly-Clark',
  0x03FD: 'Trimble Navigation Ltd.',
  0x03FE: 'Littelfuse',
  0x03FF: 'Withings',
  0x0400: 'i-developer IT Beratung UG',
  0x0402: 'Sears Holdings Corporation',
  0x0403: 'Gantner Electronic GmbH',
  0x0404: 'Authomate Inc',
  0x0405: 'Vertex International, Inc.',
  0x0406: 'Airtago',
  0x0407: 'Swiss Audio SA',
  0x0408: 'ToGetHome Inc.',
  0x0409: 'AXIS',
  0x040A: 'Openmatics',
  0x040B: 'Jana Care Inc.',
  0x040C: 'Senix Corporation',
  0x040D: 'NorthStar Battery Company, LLC',
  0x040E: 'SKF (U.K.) Limited',
  0x040F: 'CO-AX Technology, Inc.',
  0x0410: 'Fender Musical Instruments',
  0x0411: 'Luidia Inc',
  0x0412: 'SEFAM',
  0x0413: 'Wireless Cables Inc',
  0x0414: 'Lightning Protection International Pty Ltd',
  0x0415: 'Uber Technologies Inc',
  0x0416: 'SODA GmbH',
  0x0417: 'Fatigue Science',
  0x0418: 'Alpine Electronics Inc.',
  0x0419: 'Novalogy LTD',
  0x041A: 'Friday Labs Limited',
  0x041B: 'OrthoAccel Technologies',
  0x041C: 'WaterGuru, Inc.',
  0x041D: 'Benning Elektrotechnik und Elektronik GmbH & Co. KG',
  0x041E: 'Dell Computer Corporation',
  0x041F: 'Kopin Corporation',
  0x0420: 'TecBakery GmbH',
  0x0421: 'Backbone Labs, Inc.',
  0x0422: 'DELSEY SA',
  0x0423: 'Chargifi Limited',
  0x0424: 'Trainesense Ltd.',
  0x0425: 'Unify Software and Solutions GmbH & Co. KG',
  0x0426: 'Husqvarna AB',
  0x0427: 'Focus fleet and fuel management inc',
  0x0428: 'SmallLoop, LLC',
  0x0429: 'Prolon Inc.',
  0x042A: 'BD Medical',
  0x042B: 'iMicroMed Incorporated',
  0x042C: 'Ticto N.V.',
  0x042D: 'Meshtech AS',
  0x042E: 'MemCachier Inc.',
  0x042F: 'Danfoss A/S',
  0x0430: 'SnapStyk Inc.',
  0x0431: 'Amyway Corporation',
  0x0432: 'Silk Labs, Inc.',
  0x0433: 'Pillsy Inc.',
  0x0434: 'Hatch Baby, Inc.',
  0x0435: 'Blocks Wearables Ltd.',
  0x0436: 'Drayson Technologies (Europe) Limited',
  0x0437: 'eBest IOT Inc.',
  0x0438: 'Helvar Ltd',
  0x0439: 'Radiance Technologies',
  0x043A: 'Nuheara Limited',
  0x043B: 'Appside co., ltd.',
  0x043C: 'DeLaval',
  0x043D: 'Coiler Corporation',
  0x043E: 'Thermomedics, Inc.',
  0x043F: 'Tentacle Sync GmbH',
  0x0440: 'Valencell, Inc.',
  0x0441: 'iProtoXi Oy',
  0x0442: 'SECOM CO., LTD.',
  0x0443: 'Tucker International LLC',
  0x0444: 'Metanate Limited',
  0x0445: 'Kobian Canada Inc.',
  0x0446: 'NETGEAR, Inc.',
  0x0447: 'Fabtronics Australia Pty Ltd',
  0x0448: 'Grand Centrix GmbH',
  0x0449: '1UP USA.com llc',
  0x044A: 'SHIMANO INC.',
  0x044B: 'Nain Inc.',
  0x044C: 'LifeStyle Lock, LLC',
  0x044D: 'VEGA Grieshaber KG',
  0x044E: 'Xtrava Inc.',
  0x044F: 'TTS Tooltechnic Systems AG & Co. KG',
  0x0450: 'Teenage Engineering AB',
  0x0451: 'Tunstall Nordic AB',
  0x0452: 'Svep Design Center AB',
  0x0453: 'GreenPeak Technologies BV',
  0x0454: 'Sphinx Electronics GmbH & Co KG',
  0x0455: 'Atomation',
  0x0456: 'Nemik Consulting Inc',
  0x0457: 'RF INNOVATION',
  0x0458: 'Mini Solution Co., Ltd.',
  0x0459: 'Lumenetix, Inc',
  0x045A: '2048450 Ontario Inc',
  0x045B: 'SPACEEK LTD',
  0x045C: 'Delta T Corporation',
  0x045D: 'Boston Scientific Corporation',
  0x045E: 'Nuviz, Inc.',
  0x045F: 'Real Time Automation, Inc.',
  0x0460: 'Kolibree',
  0x0461: 'vhf elektronik GmbH',
  0x0462: 'Bonsai Systems GmbH',
  0x0463: 'Fathom Systems Inc.',
  0x0464: 'Bellman & Symfon',
  0x0465: 'International Forte Group LLC',
  0x0466: 'CycleLabs Solutions inc.',
  0x0467: 'Codenex Oy',
  0x0468: 'Kynesim Ltd',
  0x0469: 'Palago AB',
  0x046A: 'INSIGMA INC.',
  0x046B: 'PMD Solutions',
  0x046C: 'Qingdao Realtime Technology Co., Ltd.',
  0x046D: 'BEGA Gantenbrink-Leuchten KG',
  0x046E: 'Pambor Ltd.',
  0xFFFF: 'SPECIAL USE/DEFAULT'
};


/***/ }),

/***/ 724:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// cpu.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 4. CPU
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const fs = __nccwpck_require__(896);
const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

let _cpu_speed = 0;
let _current_cpu = {
  user: 0,
  nice: 0,
  system: 0,
  idle: 0,
  irq: 0,
  steal: 0,
  guest: 0,
  load: 0,
  tick: 0,
  ms: 0,
  currentLoad: 0,
  currentLoadUser: 0,
  currentLoadSystem: 0,
  currentLoadNice: 0,
  currentLoadIdle: 0,
  currentLoadIrq: 0,
  currentLoadSteal: 0,
  currentLoadGuest: 0,
  rawCurrentLoad: 0,
  rawCurrentLoadUser: 0,
  rawCurrentLoadSystem: 0,
  rawCurrentLoadNice: 0,
  rawCurrentLoadIdle: 0,
  rawCurrentLoadIrq: 0,
  rawCurrentLoadSteal: 0,
  rawCurrentLoadGuest: 0
};
const _cpus = [];
let _corecount = 0;

const AMDBaseFrequencies = {
  8346: '1.8',
  8347: '1.9',
  8350: '2.0',
  8354: '2.2',
  '8356|SE': '2.4',
  8356: '2.3',
  8360: '2.5',
  2372: '2.1',
  2373: '2.1',
  2374: '2.2',
  2376: '2.3',
  2377: '2.3',
  2378: '2.4',
  2379: '2.4',
  2380: '2.5',
  2381: '2.5',
  2382: '2.6',
  2384: '2.7',
  2386: '2.8',
  2387: '2.8',
  2389: '2.9',
  2393: '3.1',
  8374: '2.2',
  8376: '2.3',
  8378: '2.4',
  8379: '2.4',
  8380: '2.5',
  8381: '2.5',
  8382: '2.6',
  8384: '2.7',
  8386: '2.8',
  8387: '2.8',
  8389: '2.9',
  8393: '3.1',
  '2419EE': '1.8',
  '2423HE': '2.0',
  '2425HE': '2.1',
  2427: '2.2',
  2431: '2.4',
  2435: '2.6',
  '2439SE': '2.8',
  '8425HE': '2.1',
  8431: '2.4',
  8435: '2.6',
  '8439SE': '2.8',
  4122: '2.2',
  4130: '2.6',
  '4162EE': '1.7',
  '4164EE': '1.8',
  '4170HE': '2.1',
  '4174HE': '2.3',
  '4176HE': '2.4',
  4180: '2.6',
  4184: '2.8',
  '6124HE': '1.8',
  '6128HE': '2.0',
  '6132HE': '2.2',
  6128: '2.0',
  6134: '2.3',
  6136: '2.4',
  6140: '2.6',
  '6164HE': '1.7',
  '6166HE': '1.8',
  6168: '1.9',
  6172: '2.1',
  6174: '2.2',
  6176: '2.3',
  '6176SE': '2.3',
  '6180SE': '2.5',
  3250: '2.5',
  3260: '2.7',
  3280: '2.4',
  4226: '2.7',
  4228: '2.8',
  4230: '2.9',
  4234: '3.1',
  4238: '3.3',
  4240: '3.4',
  4256: '1.6',
  4274: '2.5',
  4276: '2.6',
  4280: '2.8',
  4284: '3.0',
  6204: '3.3',
  6212: '2.6',
  6220: '3.0',
  6234: '2.4',
  6238: '2.6',
  '6262HE': '1.6',
  6272: '2.1',
  6274: '2.2',
  6276: '2.3',
  6278: '2.4',
  '6282SE': '2.6',
  '6284SE': '2.7',
  6308: '3.5',
  6320: '2.8',
  6328: '3.2',
  '6338P': '2.3',
  6344: '2.6',
  6348: '2.8',
  6366: '1.8',
  '6370P': '2.0',
  6376: '2.3',
  6378: '2.4',
  6380: '2.5',
  6386: '2.8',
  'FX|4100': '3.6',
  'FX|4120': '3.9',
  'FX|4130': '3.8',
  'FX|4150': '3.8',
  'FX|4170': '4.2',
  'FX|6100': '3.3',
  'FX|6120': '3.6',
  'FX|6130': '3.6',
  'FX|6200': '3.8',
  'FX|8100': '2.8',
  'FX|8120': '3.1',
  'FX|8140': '3.2',
  'FX|8150': '3.6',
  'FX|8170': '3.9',
  'FX|4300': '3.8',
  'FX|4320': '4.0',
  'FX|4350': '4.2',
  'FX|6300': '3.5',
  'FX|6350': '3.9',
  'FX|8300': '3.3',
  'FX|8310': '3.4',
  'FX|8320': '3.5',
  'FX|8350': '4.0',
  'FX|8370': '4.0',
  'FX|9370': '4.4',
  'FX|9590': '4.7',
  'FX|8320E': '3.2',
  'FX|8370E': '3.3',

  // ZEN Desktop CPUs
  1200: '3.1',
  'Pro 1200': '3.1',
  '1300X': '3.5',
  'Pro 1300': '3.5',
  1400: '3.2',
  '1500X': '3.5',
  'Pro 1500': '3.5',
  1600: '3.2',
  '1600X': '3.6',
  'Pro 1600': '3.2',
  1700: '3.0',
  'Pro 1700': '3.0',
  '1700X': '3.4',
  'Pro 1700X': '3.4',
  '1800X': '3.6',
  '1900X': '3.8',
  1920: '3.2',
  '1920X': '3.5',
  '1950X': '3.4',

  // ZEN Desktop APUs
  '200GE': '3.2',
  'Pro 200GE': '3.2',
  '220GE': '3.4',
  '240GE': '3.5',
  '3000G': '3.5',
  '300GE': '3.4',
  '3050GE': '3.4',
  '2200G': '3.5',
  'Pro 2200G': '3.5',
  '2200GE': '3.2',
  'Pro 2200GE': '3.2',
  '2400G': '3.6',
  'Pro 2400G': '3.6',
  '2400GE': '3.2',
  'Pro 2400GE': '3.2',

  // ZEN Mobile APUs
  'Pro 200U': '2.3',
  '300U': '2.4',
  '2200U': '2.5',
  '3200U': '2.6',
  '2300U': '2.0',
  'Pro 2300U': '2.0',
  '2500U': '2.0',
  'Pro 2500U': '2.2',
  '2600H': '3.2',
  '2700U': '2.0',
  'Pro 2700U': '2.2',
  '2800H': '3.3',

  // ZEN Server Processors
  7351: '2.4',
  '7351P': '2.4',
  7401: '2.0',
  '7401P': '2.0',
  '7551P': '2.0',
  7551: '2.0',
  7251: '2.1',
  7261: '2.5',
  7281: '2.1',
  7301: '2.2',
  7371: '3.1',
  7451: '2.3',
  7501: '2.0',
  7571: '2.2',
  7601: '2.2',

  // ZEN Embedded Processors
  V1500B: '2.2',
  V1780B: '3.35',
  V1202B: '2.3',
  V1404I: '2.0',
  V1605B: '2.0',
  V1756B: '3.25',
  V1807B: '3.35',

  3101: '2.1',
  3151: '2.7',
  3201: '1.5',
  3251: '2.5',
  3255: '2.5',
  3301: '2.0',
  3351: '1.9',
  3401: '1.85',
  3451: '2.15',

  // ZEN+ Desktop
  '1200|AF': '3.1',
  '2300X': '3.5',
  '2500X': '3.6',
  2600: '3.4',
  '2600E': '3.1',
  '1600|AF': '3.2',
  '2600X': '3.6',
  2700: '3.2',
  '2700E': '2.8',
  'Pro 2700': '3.2',
  '2700X': '3.7',
  'Pro 2700X': '3.6',
  '2920X': '3.5',
  '2950X': '3.5',
  '2970WX': '3.0',
  '2990WX': '3.0',

  // ZEN+ Desktop APU
  'Pro 300GE': '3.4',
  'Pro 3125GE': '3.4',
  '3150G': '3.5',
  'Pro 3150G': '3.5',
  '3150GE': '3.3',
  'Pro 3150GE': '3.3',
  '3200G': '3.6',
  'Pro 3200G': '3.6',
  '3200GE': '3.3',
  'Pro 3200GE': '3.3',
  '3350G': '3.6',
  'Pro 3350G': '3.6',
  '3350GE': '3.3',
  'Pro 3350GE': '3.3',
  '3400G': '3.7',
  'Pro 3400G': '3.7',
  '3400GE': '3.3',
  'Pro 3400GE': '3.3',

  // ZEN+ Mobile
  '3300U': '2.1',
  'PRO 3300U': '2.1',
  '3450U': '2.1',
  '3500U': '2.1',
  'PRO 3500U': '2.1',
  '3500C': '2.1',
  '3550H': '2.1',
  '3580U': '2.1',
  '3700U': '2.3',
  'PRO 3700U': '2.3',
  '3700C': '2.3',
  '3750H': '2.3',
  '3780U': '2.3',

  // ZEN2 Desktop CPUS
  3100: '3.6',
  '3300X': '3.8',
  3500: '3.6',
  '3500X': '3.6',
  3600: '3.6',
  'Pro 3600': '3.6',
  '3600X': '3.8',
  '3600XT': '3.8',
  'Pro 3700': '3.6',
  '3700X': '3.6',
  '3800X': '3.9',
  '3800XT': '3.9',
  3900: '3.1',
  'Pro 3900': '3.1',
  '3900X': '3.8',
  '3900XT': '3.8',
  '3950X': '3.5',
  '3960X': '3.8',
  '3970X': '3.7',
  '3990X': '2.9',
  '3945WX': '4.0',
  '3955WX': '3.9',
  '3975WX': '3.5',
  '3995WX': '2.7',

  // ZEN2 Desktop APUs
  '4300GE': '3.5',
  'Pro 4300GE': '3.5',
  '4300G': '3.8',
  'Pro 4300G': '3.8',
  '4600GE': '3.3',
  'Pro 4650GE': '3.3',
  '4600G': '3.7',
  'Pro 4650G': '3.7',
  '4700GE': '3.1',
  'Pro 4750GE': '3.1',
  '4700G': '3.6',
  'Pro 4750G': '3.6',
  '4300U': '2.7',
  '4450U': '2.5',
  'Pro 4450U': '2.5',
  '4500U': '2.3',
  '4600U': '2.1',
  'PRO 4650U': '2.1',
  '4680U': '2.1',
  '4600HS': '3.0',
  '4600H': '3.0',
  '4700U': '2.0',
  'PRO 4750U': '1.7',
  '4800U': '1.8',
  '4800HS': '2.9',
  '4800H': '2.9',
  '4900HS': '3.0',
  '4900H': '3.3',
  '5300U': '2.6',
  '5500U': '2.1',
  '5700U': '1.8',

  // ZEN2 - EPYC
  '7232P': '3.1',
  '7302P': '3.0',
  '7402P': '2.8',
  '7502P': '2.5',
  '7702P': '2.0',
  7252: '3.1',
  7262: '3.2',
  7272: '2.9',
  7282: '2.8',
  7302: '3.0',
  7352: '2.3',
  7402: '2.8',
  7452: '2.35',
  7502: '2.5',
  7532: '2.4',
  7542: '2.9',
  7552: '2.2',
  7642: '2.3',
  7662: '2.0',
  7702: '2.0',
  7742: '2.25',
  '7H12': '2.6',
  '7F32': '3.7',
  '7F52': '3.5',
  '7F72': '3.2',

  // Epyc (Milan)

  '7773X': '2.2',
  7763: '2.45',
  7713: '2.0',
  '7713P': '2.0',
  7663: '2.0',
  7643: '2.3',
  '7573X': '2.8',
  '75F3': '2.95',
  7543: '2.8',
  '7543P': '2.8',
  7513: '2.6',
  '7473X': '2.8',
  7453: '2.75',
  '74F3': '3.2',
  7443: '2.85',
  '7443P': '2.85',
  7413: '2.65',
  '7373X': '3.05',
  '73F3': '3.5',
  7343: '3.2',
  7313: '3.0',
  '7313P': '3.0',
  '72F3': '3.7',

  // ZEN3
  '5600X': '3.7',
  '5800X': '3.8',
  '5900X': '3.7',
  '5950X': '3.4',
  '5945WX': '4.1',
  '5955WX': '4.0',
  '5965WX': '3.8',
  '5975WX': '3.6',
  '5995WX': '2.7',

  '7960X': '4.2',
  '7970X': '4.0',
  '7980X': '3.2',

  '7965WX': '4.2',
  '7975WX': '4.0',
  '7985WX': '3.2',
  '7995WX': '2.5',

  // ZEN4
  9754: '2.25',
  '9754S': '2.25',
  9734: '2.2',
  '9684X': '2.55',
  '9384X': '3.1',
  '9184X': '3.55',
  '9654P': '2.4',
  9654: '2.4',
  9634: '2.25',
  '9554P': '3.1',
  9554: '3.1',
  9534: '2.45',
  '9474F': '3.6',
  '9454P': '2.75',
  9454: '2.75',
  '9374F': '3.85',
  '9354P': '3.25',
  9354: '3.25',
  9334: '2.7',
  '9274F': '4.05',
  9254: '2.9',
  9224: '2.5',
  '9174F': '4.1',
  9124: '3.0',

  // Epyc 4th gen
  '4124P': '3.8',
  '4244P': '3.8',
  '4344P': '3.8',
  '4364P': '4.5',
  '4464P': '3.7',
  '4484PX': '4.4',
  '4564P': '4.5',
  '4584PX': '4.2',
  '8024P': '2.4',
  '8024PN': '2.05',
  '8124P': '2.45',
  '8124PN': '2.0',
  '8224P': '2.55',
  '8224PN': '2.0',
  '8324P': '2.65',
  '8324PN': '2.05',
  '8434P': '2.5',
  '8434PN': '2.0',
  '8534P': '2.3',
  '8534PN': '2.0',

  // Epyc 5th gen
  9115: '2.6',
  9135: '3.65',
  '9175F': '4.2',
  9255: '3.25',
  '9275F': '4.1',
  9335: '3.0',
  '9355P': '3.55',
  9355: '3.55',
  '9375F': '3.8',
  9365: '3.4',
  '9455P': '3.15',
  9455: '3.15',
  '9475F': '3.65',
  9535: '2.4',
  '9555P': '3.2',
  9555: '3.2',
  '9575F': '3.3',
  9565: '3.15',
  '9655P': '2.5',
  9655: '2.5',
  9755: '2.7',
  '4245P': '3.9',
  '4345P': '3.8',
  '4465P': '3.4',
  '4545P': '3.0',
  '4565P': '4.3',
  '4585PX': '4.3',
  '5900XT': '3.3',
  5900: '3.0',
  5945: '3.0',
  '5800X3D': '3.4',
  '5800XT': '3.8',
  5800: '3.4',
  '5700X3D': '3.0',
  '5700X': '3.4',
  5845: '3.4',
  '5600X3D': '3.3',
  '5600XT': '3.7',
  '5600T': '3.5',
  5600: '3.5',
  '5600F': '3.0',
  5645: '3.7',
  '5500X3D': '3.0',
  '5980HX': '3.3',
  '5980HS': '3.0',
  '5900HX': '3.3',
  '5900HS': '3.0',
  '5800H': '3.2',
  '5800HS': '2.8',
  '5800U': '1.9',
  '5600H': '3.3',
  '5600HS': '3.0',
  '5600U': '2.3',
  '5560U': '2.3',
  '5400U': '2.7',
  '5825U': '2.0',
  '5625U': '2.3',
  '5425U': '2.7',
  '5125C': '3.0',
  '7730U': '2.0',
  '7530U': '2.0',
  '7430U': '2.3',
  '7330U': '2.3',
  7203: '2.8',
  7303: '2.4',
  '7663P': '2.0',
  '6980HX': '3.3',
  '6980HS': '3.3',
  '6900HX': '3.3',
  '6900HS': '3.3',
  '6800H': '3.2',
  '6800HS': '3.2',
  '6800U': '2.7',
  '6600H': '3.3',
  '6600HS': '3.3',
  '6600U': '2.9',
  '7735HS': '3.2',
  '7735H': '3.2',
  '7736U': '2.7',
  '7735U': '2.7',
  '7435HS': '3.1',
  '7435H': '3.1',
  '7535HS': '3.3',
  '7535H': '3.3',
  '7535U': '2.9',
  '7235HS': '3.2',
  '7235H': '3.2',
  '7335U': '3.0',
  270: '4.0',
  260: '3.8',
  250: '3.3',
  240: '4.3',
  230: '3.5',
  220: '3.0',
  210: '2.8',
  '8945HS': '4.0',
  '8845HS': '3.8',
  '8840HS': '3.3',
  '8840U': '3.3',
  '8645HS': '4.3',
  '8640HS': '3.5',
  '8640U': '3.5',
  '8540U': '3.0',
  '8440U': '2.8',
  '9950X3D': '4.3',
  '9950X': '4.3',
  '9900X3D': '4.4',
  '9900X': '4.4',
  '9800X3D': '4.7',
  '9700X': '3.8',
  '9700F': '3.8',
  '9600X': '3.9',
  9600: '3.8',
  '9500F': '3.8',
  '9995WX': '2.5',
  '9985WX': '3.2',
  '9975WX': '4.0',
  '9965WX': '4.2',
  '9955WX': '4.5',
  '9945WX': '4.7',
  '9980X': '3.2',
  '9970X': '4.0',
  '9960X': '4.2',
  'PRO HX375': '2.0',
  HX375: '2.0',
  'PRO HX370': '2.0',
  HX370: '2.0',
  365: '2.0',
  'PRO 360': '2.0',
  350: '2.0',
  'PRO 350': '2.0',
  340: '2.0',
  'PRO 340': '2.0',
  330: '2.0',
  395: '3.0',
  'PRO 395': '3.0',
  390: '3.2',
  'PRO 390': '3.2',
  385: '3.6',
  'PRO 385': '3.6',
  'PRO 380': '3.6',
  '9955HX3D': '2.3',
  '9955HX': '2.5',
  '9850HX': '3.0',
  9015: '3.6',
  9965: '2.25',
  9845: '2.1',
  9825: '2.2',
  9745: '2.4',
  9645: '2.3'
};

const socketTypes = {
  1: 'Other',
  2: 'Unknown',
  3: 'Daughter Board',
  4: 'ZIF Socket',
  5: 'Replacement/Piggy Back',
  6: 'None',
  7: 'LIF Socket',
  8: 'Slot 1',
  9: 'Slot 2',
  10: '370 Pin Socket',
  11: 'Slot A',
  12: 'Slot M',
  13: '423',
  14: 'A (Socket 462)',
  15: '478',
  16: '754',
  17: '940',
  18: '939',
  19: 'mPGA604',
  20: 'LGA771',
  21: 'LGA775',
  22: 'S1',
  23: 'AM2',
  24: 'F (1207)',
  25: 'LGA1366',
  26: 'G34',
  27: 'AM3',
  28: 'C32',
  29: 'LGA1156',
  30: 'LGA1567',
  31: 'PGA988A',
  32: 'BGA1288',
  33: 'rPGA988B',
  34: 'BGA1023',
  35: 'BGA1224',
  36: 'LGA1155',
  37: 'LGA1356',
  38: 'LGA2011',
  39: 'FS1',
  40: 'FS2',
  41: 'FM1',
  42: 'FM2',
  43: 'LGA2011-3',
  44: 'LGA1356-3',
  45: 'LGA1150',
  46: 'BGA1168',
  47: 'BGA1234',
  48: 'BGA1364',
  49: 'AM4',
  50: 'LGA1151',
  51: 'BGA1356',
  52: 'BGA1440',
  53: 'BGA1515',
  54: 'LGA3647-1',
  55: 'SP3',
  56: 'SP3r2',
  57: 'LGA2066',
  58: 'BGA1392',
  59: 'BGA1510',
  60: 'BGA1528',
  61: 'LGA4189',
  62: 'LGA1200',
  63: 'LGA4677',
  64: 'LGA1700',
  65: 'BGA1744',
  66: 'BGA1781',
  67: 'BGA1211',
  68: 'BGA2422',
  69: 'LGA1211',
  70: 'LGA2422',
  71: 'LGA5773',
  72: 'BGA5773',
  73: 'AM5',
  74: 'SP5',
  75: 'SP6',
  76: 'BGA883',
  77: 'BGA1190',
  78: 'BGA4129',
  79: 'LGA4710',
  80: 'LGA7529',
  81: 'BGA1964',
  82: 'BGA1792',
  83: 'BGA2049',
  84: 'BGA2551',
  85: 'LGA1851',
  86: 'BGA2114',
  87: 'BGA2833'
};

const socketTypesByName = {
  LGA1150:
    'i7-5775C i3-4340 i3-4170 G3250 i3-4160T i3-4160 E3-1231 G3258 G3240 i7-4790S i7-4790K i7-4790 i5-4690K i5-4690 i5-4590T i5-4590S i5-4590 i5-4460 i3-4360 i3-4150 G1820 G3420 G3220 i7-4771 i5-4440 i3-4330 i3-4130T i3-4130 E3-1230 i7-4770S i7-4770K i7-4770 i5-4670K i5-4670 i5-4570T i5-4570S i5-4570 i5-4430',
  LGA1151:
    'i9-9900KS E-2288G E-2224 G5420 i9-9900T i9-9900 i7-9700T i7-9700F i7-9700E i7-9700 i5-9600 i5-9500T i5-9500F i5-9500 i5-9400T i3-9350K i3-9300 i3-9100T i3-9100F i3-9100 G4930 i9-9900KF i7-9700KF i5-9600KF i5-9400F i5-9400 i3-9350KF i9-9900K i7-9700K i5-9600K G5500 G5400 i7-8700T i7-8086K i5-8600 i5-8500T i5-8500 i5-8400T i3-8300 i3-8100T G4900 i7-8700K i7-8700 i5-8600K i5-8400 i3-8350K i3-8100 E3-1270 G4600 G4560 i7-7700T i7-7700K i7-7700 i5-7600K i5-7600 i5-7500T i5-7500 i5-7400 i3-7350K i3-7300 i3-7100T i3-7100 G3930 G3900 G4400 i7-6700T i7-6700K i7-6700 i5-6600K i5-6600 i5-6500T i5-6500 i5-6400T i5-6400 i3-6300 i3-6100T i3-6100 E3-1270 E3-1270 T4500 T4400',
  1155: 'G440 G460 G465 G470 G530T G540T G550T G1610T G1620T G530 G540 G1610 G550 G1620 G555 G1630 i3-2100T i3-2120T i3-3220T i3-3240T i3-3250T i3-2100 i3-2105 i3-2102 i3-3210 i3-3220 i3-2125 i3-2120 i3-3225 i3-2130 i3-3245 i3-3240 i3-3250 i5-3570T i5-2500T i5-2400S i5-2405S i5-2390T i5-3330S i5-2500S i5-3335S i5-2300 i5-3450S i5-3340S i5-3470S i5-3475S i5-3470T i5-2310 i5-3550S i5-2320 i5-3330 i5-3350P i5-3450 i5-2400 i5-3340 i5-3570S i5-2380P i5-2450P i5-3470 i5-2500K i5-3550 i5-2500 i5-3570 i5-3570K i5-2550K i7-3770T i7-2600S i7-3770S i7-2600K i7-2600 i7-3770 i7-3770K i7-2700K G620T G630T G640T G2020T G645T G2100T G2030T G622 G860T G620 G632 G2120T G630 G640 G2010 G840 G2020 G850 G645 G2030 G860 G2120 G870 G2130 G2140 E3-1220L E3-1220L E3-1260L E3-1265L E3-1220 E3-1225 E3-1220 E3-1235 E3-1225 E3-1230 E3-1230 E3-1240 E3-1245 E3-1270 E3-1275 E3-1240 E3-1245 E3-1270 E3-1280 E3-1275 E3-1290 E3-1280 E3-1290'
};

function getSocketTypesByName(str) {
  let result = '';
  for (const key in socketTypesByName) {
    const names = socketTypesByName[key].split(' ');
    names.forEach((element) => {
      if (str.indexOf(element) >= 0) {
        result = key;
      }
    });
  }
  return result;
}

function cpuManufacturer(str) {
  let result = str;
  str = str.toLowerCase();

  if (str.indexOf('intel') >= 0) {
    result = 'Intel';
  }
  if (str.indexOf('amd') >= 0) {
    result = 'AMD';
  }
  if (str.indexOf('qemu') >= 0) {
    result = 'QEMU';
  }
  if (str.indexOf('hygon') >= 0) {
    result = 'Hygon';
  }
  if (str.indexOf('centaur') >= 0) {
    result = 'WinChip/Via';
  }
  if (str.indexOf('vmware') >= 0) {
    result = 'VMware';
  }
  if (str.indexOf('Xen') >= 0) {
    result = 'Xen Hypervisor';
  }
  if (str.indexOf('tcg') >= 0) {
    result = 'QEMU';
  }
  if (str.indexOf('apple') >= 0) {
    result = 'Apple';
  }
  if (str.indexOf('sifive') >= 0) {
    result = 'SiFive';
  }
  if (str.indexOf('thead') >= 0) {
    result = 'T-Head';
  }
  if (str.indexOf('andestech') >= 0) {
    result = 'Andes Technology';
  }

  return result;
}

function cpuBrandManufacturer(res) {
  res.brand = res.brand
    .replace(/\(R\)+/g, '®')
    .replace(/\s+/g, ' ')
    .trim();
  res.brand = res.brand
    .replace(/\(TM\)+/g, '™')
    .replace(/\s+/g, ' ')
    .trim();
  res.brand = res.brand
    .replace(/\(C\)+/g, '©')
    .replace(/\s+/g, ' ')
    .trim();
  res.brand = res.brand.replace(/CPU+/g, '').replace(/\s+/g, ' ').trim();
  res.manufacturer = cpuManufacturer(res.brand);

  const parts = res.brand.split(' ');
  parts.shift();
  res.brand = parts.join(' ');
  return res;
}

function getAMDSpeed(brand) {
  let result = '0';
  for (const key in AMDBaseFrequencies) {
    if ({}.hasOwnProperty.call(AMDBaseFrequencies, key)) {
      const parts = key.split('|');
      let found = 0;
      parts.forEach((item) => {
        if (brand.indexOf(item) > -1) {
          found++;
        }
      });
      if (found === parts.length) {
        result = AMDBaseFrequencies[key];
      }
    }
  }
  return parseFloat(result);
}

// --------------------------
// CPU - brand, speed

function getCpu() {
  return new Promise((resolve) => {
    process.nextTick(() => {
      const UNKNOWN = 'unknown';
      let result = {
        manufacturer: UNKNOWN,
        brand: UNKNOWN,
        vendor: '',
        family: '',
        model: '',
        stepping: '',
        revision: '',
        voltage: '',
        speed: 0,
        speedMin: 0,
        speedMax: 0,
        governor: '',
        cores: util.cores(),
        physicalCores: util.cores(),
        performanceCores: util.cores(),
        efficiencyCores: 0,
        processors: 1,
        socket: '',
        flags: '',
        virtualization: false,
        cache: {}
      };
      cpuFlags().then((flags) => {
        result.flags = flags;
        result.virtualization = flags.indexOf('vmx') > -1 || flags.indexOf('svm') > -1;
        if (_darwin) {
          exec('sysctl machdep.cpu hw.cpufrequency_max hw.cpufrequency_min hw.packages hw.physicalcpu_max hw.ncpu hw.tbfrequency hw.cpufamily hw.cpusubfamily', (error, stdout) => {
            const lines = stdout.toString().split('\n');
            const modelline = util.getValue(lines, 'machdep.cpu.brand_string');
            const modellineParts = modelline.split('@');
            result.brand = modellineParts[0].trim();
            const speed = modellineParts[1] ? modellineParts[1].trim() : '0';
            result.speed = parseFloat(speed.replace(/GHz+/g, ''));
            let tbFrequency = util.getValue(lines, 'hw.tbfrequency') / 1000000000.0;
            tbFrequency = tbFrequency < 0.1 ? tbFrequency * 100 : tbFrequency;
            result.speed = result.speed === 0 ? tbFrequency : result.speed;

            _cpu_speed = result.speed;
            result = cpuBrandManufacturer(result);
            result.speedMin = util.getValue(lines, 'hw.cpufrequency_min') ? util.getValue(lines, 'hw.cpufrequency_min') / 1000000000.0 : result.speed;
            result.speedMax = util.getValue(lines, 'hw.cpufrequency_max') ? util.getValue(lines, 'hw.cpufrequency_max') / 1000000000.0 : result.speed;
            result.vendor = util.getValue(lines, 'machdep.cpu.vendor') || 'Apple';
            result.family = util.getValue(lines, 'machdep.cpu.family') || util.getValue(lines, 'hw.cpufamily');
            result.model = util.getValue(lines, 'machdep.cpu.model');
            result.stepping = util.getValue(lines, 'machdep.cpu.stepping') || util.getValue(lines, 'hw.cpusubfamily');
            result.virtualization = true;
            const countProcessors = util.getValue(lines, 'hw.packages');
            const countCores = util.getValue(lines, 'hw.physicalcpu_max');
            const countThreads = util.getValue(lines, 'hw.ncpu');
            if (os.arch() === 'arm64') {
              result.socket = 'SOC';
              try {
                const clusters = execSync('ioreg -c IOPlatformDevice -d 3 -r | grep cluster-type').toString().split('\n');
                const efficiencyCores = clusters.filter((line) => line.indexOf('"E"') >= 0).length + clusters.filter((line) => line.indexOf('"M"') >= 0).length;
                const performanceCores = clusters.filter((line) => line.indexOf('"P"') >= 0).length;
                result.efficiencyCores = efficiencyCores;
                result.performanceCores = performanceCores;
              } catch {
                util.noop();
              }
            }
            if (countProcessors) {
              result.processors = parseInt(countProcessors, 10) || 1;
            }
            if (countCores && countThreads) {
              result.cores = parseInt(countThreads) || util.cores();
              result.physicalCores = parseInt(countCores) || util.cores();
            }
            cpuCache().then((res) => {
              result.cache = res;
              resolve(result);
            });
          });
        }
        if (_linux) {
          let modelline = '';
          let lines = [];
          if (os.cpus()[0] && os.cpus()[0].model) {
            modelline = os.cpus()[0].model;
          }
          exec('export LC_ALL=C; lscpu; echo -n "Governor: "; cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null; echo; unset LC_ALL', (error, stdout) => {
            if (!error) {
              lines = stdout.toString().split('\n');
            }
            modelline = util.getValue(lines, 'model name') || modelline;
            modelline = util.getValue(lines, 'bios model name') || modelline;
            modelline = util.cleanString(modelline);
            const modellineParts = modelline.split('@');
            result.brand = modellineParts[0].trim();
            if (result.brand.indexOf('Unknown') >= 0) {
              result.brand = result.brand.split('Unknown')[0].trim();
            }
            result.speed = modellineParts[1] ? parseFloat(modellineParts[1].trim()) : 0;
            if (result.speed === 0 && (result.brand.indexOf('AMD') > -1 || result.brand.toLowerCase().indexOf('ryzen') > -1)) {
              result.speed = getAMDSpeed(result.brand);
            }
            if (result.speed === 0) {
              const current = getCpuCurrentSpeedSync();
              if (current.avg !== 0) {
                result.speed = current.avg;
              }
            }
            _cpu_speed = result.speed;
            result.speedMin = Math.round(parseFloat(util.getValue(lines, 'cpu min mhz').replace(/,/g, '.')) / 10.0) / 100 || result.speedMin;
            result.speedMax = Math.round(parseFloat(util.getValue(lines, 'cpu max mhz').replace(/,/g, '.')) / 10.0) / 100 || result.speedMax;

            result = cpuBrandManufacturer(result);
            result.vendor = cpuManufacturer(util.getValue(lines, 'vendor id'));

            result.family = util.getValue(lines, 'cpu family');
            result.model = util.getValue(lines, 'model:');
            result.stepping = util.getValue(lines, 'stepping');
            result.revision = util.getValue(lines, 'cpu revision');
            result.cache.l1d = util.getValue(lines, 'l1d cache');
            if (result.cache.l1d) {
              result.cache.l1d = parseInt(result.cache.l1d) * (result.cache.l1d.indexOf('M') !== -1 ? 1024 * 1024 : result.cache.l1d.indexOf('K') !== -1 ? 1024 : 1);
            }
            result.cache.l1i = util.getValue(lines, 'l1i cache');
            if (result.cache.l1i) {
              result.cache.l1i = parseInt(result.cache.l1i) * (result.cache.l1i.indexOf('M') !== -1 ? 1024 * 1024 : result.cache.l1i.indexOf('K') !== -1 ? 1024 : 1);
            }
            result.cache.l2 = util.getValue(lines, 'l2 cache');
            if (result.cache.l2) {
              result.cache.l2 = parseInt(result.cache.l2) * (result.cache.l2.indexOf('M') !== -1 ? 1024 * 1024 : result.cache.l2.indexOf('K') !== -1 ? 1024 : 1);
            }
            result.cache.l3 = util.getValue(lines, 'l3 cache');
            if (result.cache.l3) {
              result.cache.l3 = parseInt(result.cache.l3) * (result.cache.l3.indexOf('M') !== -1 ? 1024 * 1024 : result.cache.l3.indexOf('K') !== -1 ? 1024 : 1);
            }

            const threadsPerCore = util.getValue(lines, 'thread(s) per core') || '1';
            const processors = util.getValue(lines, 'socket(s)') || '1';
            const threadsPerCoreInt = parseInt(threadsPerCore, 10); // threads per code (normally only for performance cores)
            const processorsInt = parseInt(processors, 10) || 1; // number of sockets /  processor units in machine (normally 1)
            const coresPerSocket = parseInt(util.getValue(lines, 'core(s) per socket'), 10); // number of cores (e.g. 16 on i12900)
            result.physicalCores = coresPerSocket ? coresPerSocket * processorsInt : result.cores / threadsPerCoreInt;
            result.performanceCores = threadsPerCoreInt > 1 ? result.cores - result.physicalCores : result.cores;
            result.efficiencyCores = threadsPerCoreInt > 1 ? result.cores - threadsPerCoreInt * result.performanceCores : 0;
            result.processors = processorsInt;
            result.governor = util.getValue(lines, 'governor') || '';

            // Test Raspberry
            if (result.vendor === 'ARM' && util.isRaspberry()) {
              const rPIRevision = util.decodePiCpuinfo();
              result.family = result.manufacturer;
              result.manufacturer = rPIRevision.manufacturer;
              result.brand = rPIRevision.processor;
              result.revision = rPIRevision.revisionCode;
              result.socket = 'SOC';
            }

            // Test RISC-V
            if (util.getValue(lines, 'architecture') === 'riscv64') {
              try {
                const linesRiscV = fs.readFileSync('/proc/cpuinfo').toString().split('\n');
                const uarch = util.getValue(linesRiscV, 'uarch') || '';
                if (uarch.indexOf(',') > -1) {
                  const split = uarch.split(',');
                  result.manufacturer = cpuManufacturer(split[0]);
                  result.brand = split[1];
                }
              } catch {
                util.noop();
              }
            }

            // socket type
            let lines2 = [];
            exec('export LC_ALL=C; dmidecode -t 4 2>/dev/null | grep "Upgrade: Socket"; unset LC_ALL', (error2, stdout2) => {
              lines2 = stdout2.toString().split('\n');
              if (lines2 && lines2.length) {
                result.socket = util.getValue(lines2, 'Upgrade').replace('Socket', '').trim() || result.socket;
              }
              resolve(result);
            });
          });
        }
        if (_freebsd || _openbsd || _netbsd) {
          let modelline = '';
          let lines = [];
          if (os.cpus()[0] && os.cpus()[0].model) {
            modelline = os.cpus()[0].model;
          }
          exec('export LC_ALL=C; dmidecode -t 4; dmidecode -t 7; unset LC_ALL', (error, stdout) => {
            let cache = [];
            if (!error) {
              const data = stdout.toString().split('# dmidecode');
              const processor = data.length > 1 ? data[1] : '';
              cache = data.length > 2 ? data[2].split('Cache Information') : [];

              lines = processor.split('\n');
            }
            result.brand = modelline.split('@')[0].trim();
            result.speed = modelline.split('@')[1] ? parseFloat(modelline.split('@')[1].trim()) : 0;
            if (result.speed === 0 && (result.brand.indexOf('AMD') > -1 || result.brand.toLowerCase().indexOf('ryzen') > -1)) {
              result.speed = getAMDSpeed(result.brand);
            }
            if (result.speed === 0) {
              const current = getCpuCurrentSpeedSync();
              if (current.avg !== 0) {
                result.speed = current.avg;
              }
            }
            _cpu_speed = result.speed;
            result.speedMin = result.speed;
            result.speedMax = Math.round(parseFloat(util.getValue(lines, 'max speed').replace(/Mhz/g, '')) / 10.0) / 100 || result.speed;

            result = cpuBrandManufacturer(result);
            result.vendor = cpuManufacturer(util.getValue(lines, 'manufacturer'));
            let sig = util.getValue(lines, 'signature');
            sig = sig.split(',');
            for (let i = 0; i < sig.length; i++) {
              sig[i] = sig[i].trim();
            }
            result.family = util.getValue(sig, 'Family', ' ', true);
            result.model = util.getValue(sig, 'Model', ' ', true);
            result.stepping = util.getValue(sig, 'Stepping', ' ', true);
            result.revision = '';
            const voltage = parseFloat(util.getValue(lines, 'voltage'));
            result.voltage = isNaN(voltage) ? '' : voltage.toFixed(2);
            for (let i = 0; i < cache.length; i++) {
              lines = cache[i].split('\n');
              let cacheType = util.getValue(lines, 'Socket Designation').toLowerCase().replace(' ', '-').split('-');
              cacheType = cacheType.length ? cacheType[0] : '';
              const sizeParts = util.getValue(lines, 'Installed Size').split(' ');
              let size = parseInt(sizeParts[0], 10);
              const unit = sizeParts.length > 1 ? sizeParts[1] : 'kb';
              size = size * (unit === 'kb' ? 1024 : unit === 'mb' ? 1024 * 1024 : unit === 'gb' ? 1024 * 1024 * 1024 : 1);
              if (cacheType) {
                if (cacheType === 'l1') {
                  result.cache[cacheType + 'd'] = size / 2;
                  result.cache[cacheType + 'i'] = size / 2;
                } else {
                  result.cache[cacheType] = size;
                }
              }
            }
            // socket type
            result.socket = util.getValue(lines, 'Upgrade').replace('Socket', '').trim();
            // # threads / # cores
            const threadCount = util.getValue(lines, 'thread count').trim();
            const coreCount = util.getValue(lines, 'core count').trim();
            if (coreCount && threadCount) {
              result.cores = parseInt(threadCount, 10);
              result.physicalCores = parseInt(coreCount, 10);
            }
            resolve(result);
          });
        }
        if (_sunos) {
          resolve(result);
        }
        if (_windows) {
          try {
            const workload = [];
            workload.push(
              util.powerShell(
                'Get-CimInstance Win32_processor | select Name, Revision, L2CacheSize, L3CacheSize, Manufacturer, MaxClockSpeed, Description, UpgradeMethod, Caption, NumberOfLogicalProcessors, NumberOfCores | fl'
              )
            );
            workload.push(util.powerShell('Get-CimInstance Win32_CacheMemory | select CacheType,InstalledSize,Level | fl'));
            workload.push(util.powerShell('(Get-CimInstance Win32_ComputerSystem).HypervisorPresent'));

            Promise.all(workload).then((data) => {
              const lines = data[0].split('\r\n');
              const name = util.getValue(lines, 'name', ':') || '';
              if (name.indexOf('@') >= 0) {
                result.brand = name.split('@')[0].trim();
                result.speed = name.split('@')[1] ? parseFloat(name.split('@')[1].trim()) : 0;
                _cpu_speed = result.speed;
              } else {
                result.brand = name.trim();
                result.speed = 0;
              }
              result = cpuBrandManufacturer(result);
              result.revision = util.getValue(lines, 'revision', ':');
              result.vendor = util.getValue(lines, 'manufacturer', ':');
              result.speedMax = Math.round(parseFloat(util.getValue(lines, 'maxclockspeed', ':').replace(/,/g, '.')) / 10.0) / 100 || result.speedMax;
              if (result.speed === 0 && (result.brand.indexOf('AMD') > -1 || result.brand.toLowerCase().indexOf('ryzen') > -1)) {
                result.speed = getAMDSpeed(result.brand);
              }
              if (result.speed === 0) {
                result.speed = result.speedMax;
              }
              result.speedMin = result.speed;

              const description = util.getValue(lines, 'description', ':').split(' ');
              for (let i = 0; i < description.length; i++) {
                if (description[i].toLowerCase().startsWith('family') && i + 1 < description.length && description[i + 1]) {
                  result.family = description[i + 1];
                }
                if (description[i].toLowerCase().startsWith('model') && i + 1 < description.length && description[i + 1]) {
                  result.model = description[i + 1];
                }
                if (description[i].toLowerCase().startsWith('stepping') && i + 1 < description.length && description[i + 1]) {
                  result.stepping = description[i + 1];
                }
              }
              // socket type
              const socketId = util.getValue(lines, 'UpgradeMethod', ':');
              if (socketTypes[socketId]) {
                result.socket = socketTypes[socketId];
              }
              const socketByName = getSocketTypesByName(name);
              if (socketByName) {
                result.socket = socketByName;
              }
              // # threads / # cores
              const countProcessors = util.countLines(lines, 'Caption');
              const countThreads = util.getValue(lines, 'NumberOfLogicalProcessors', ':');
              const countCores = util.getValue(lines, 'NumberOfCores', ':');
              if (countProcessors) {
                result.processors = parseInt(countProcessors) || 1;
              }
              if (countCores && countThreads) {
                result.cores = parseInt(countThreads) || util.cores();
                result.physicalCores = parseInt(countCores) || util.cores();
              }
              if (countProcessors > 1) {
                result.cores = result.cores * countProcessors;
                result.physicalCores = result.physicalCores * countProcessors;
              }
              result.cache = parseWinCache(data[0], data[1]);
              const hyperv = data[2] ? data[2].toString().toLowerCase() : '';
              result.virtualization = hyperv.indexOf('true') !== -1;

              resolve(result);
            });
          } catch (e) {
            resolve(result);
          }
        }
      });
    });
  });
}

// --------------------------
// CPU - Processor Data

function cpu(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      getCpu().then((result) => {
        if (callback) {
          callback(result);
        }
        resolve(result);
      });
    });
  });
}

exports.cpu = cpu;

// --------------------------
// CPU - current speed - in GHz

function getCpuCurrentSpeedSync() {
  const cpus = os.cpus();
  let minFreq = 999999999;
  let maxFreq = 0;
  let avgFreq = 0;
  const cores = [];
  const speeds = [];

  if (cpus && cpus.length && {}.hasOwnProperty.call(cpus[0], 'speed')) {
    for (const i in cpus) {
      speeds.push(cpus[i].speed > 100 ? (cpus[i].speed + 1) / 1000 : cpus[i].speed / 10);
    }
  } else if (_linux) {
    try {
      const speedStrings = execSync('cat /proc/cpuinfo | grep "cpu MHz" | cut -d " " -f 3', util.execOptsLinux)
        .toString()
        .split('\n')
        .filter((line) => line.length > 0);
      for (const i in speedStrings) {
        speeds.push(Math.floor(parseInt(speedStrings[i], 10) / 10) / 100);
      }
    } catch {
      util.noop();
    }
  }

  if (speeds && speeds.length) {
    try {
      for (const i in speeds) {
        avgFreq = avgFreq + speeds[i];
        if (speeds[i] > maxFreq) {
          maxFreq = speeds[i];
        }
        if (speeds[i] < minFreq) {
          minFreq = speeds[i];
        }
        cores.push(parseFloat(speeds[i].toFixed(2)));
      }
      avgFreq = avgFreq / speeds.length;
      return {
        min: parseFloat(minFreq.toFixed(2)),
        max: parseFloat(maxFreq.toFixed(2)),
        avg: parseFloat(avgFreq.toFixed(2)),
        cores: cores
      };
    } catch (e) {
      return {
        min: 0,
        max: 0,
        avg: 0,
        cores: cores
      };
    }
  } else {
    return {
      min: 0,
      max: 0,
      avg: 0,
      cores: cores
    };
  }
}

function cpuCurrentSpeed(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = getCpuCurrentSpeedSync();
      if (result.avg === 0 && _cpu_speed !== 0) {
        const currCpuSpeed = parseFloat(_cpu_speed);
        result = {
          min: currCpuSpeed,
          max: currCpuSpeed,
          avg: currCpuSpeed,
          cores: []
        };
      }
      if (callback) {
        callback(result);
      }
      resolve(result);
    });
  });
}

exports.cpuCurrentSpeed = cpuCurrentSpeed;

// --------------------------
// CPU - temperature
// if sensors are installed

function cpuTemperature(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        main: null,
        cores: [],
        max: null,
        socket: [],
        chipset: null
      };
      if (_linux) {
        // CPU Chipset, Socket
        let cpuThermal = null;
        try {
          const cmd = 'cat /sys/class/thermal/thermal_zone*/type  2>/dev/null; echo "-----"; cat /sys/class/thermal/thermal_zone*/temp 2>/dev/null;';
          const parts = execSync(cmd, util.execOptsLinux).toString().split('-----\n');
          if (parts.length === 2) {
            const lines = parts[0].split('\n');
            const lines2 = parts[1].split('\n');
            for (let i = 0; i < lines.length; i++) {
              const line = lines[i].trim();
              if (line.startsWith('acpi') && lines2[i]) {
                result.socket.push(Math.round(parseInt(lines2[i], 10) / 100) / 10);
              }
              if (line.startsWith('pch') && lines2[i]) {
                result.chipset = Math.round(parseInt(lines2[i], 10) / 100) / 10;
              }
              // CPU thermal zone (e.g. cpu-thermal on Raspberry Pi)
              if (cpuThermal === null && line.toLowerCase().indexOf('cpu') !== -1 && lines2[i]) {
                cpuThermal = Math.round(parseInt(lines2[i], 10) / 100) / 10;
              }
            }
          }
        } catch (e) {
          util.noop();
        }

        const cmd =
          'for mon in /sys/class/hwmon/hwmon*; do for label in "$mon"/temp*_label; do if [ -f $label ]; then value=${label%_*}_input; echo $(cat "$label")___$(cat "$value"); fi; done; done;';
        try {
          exec(cmd, (error, stdout) => {
            stdout = stdout.toString();
            const tdiePos = stdout.toLowerCase().indexOf('tdie');
            if (tdiePos !== -1) {
              stdout = stdout.substring(tdiePos);
            }
            const lines = stdout.split('\n');
            let tctl = 0;
            lines.forEach((line) => {
              const parts = line.split('___');
              const label = parts[0];
              const value = parts.length > 1 && parts[1] ? parts[1] : '0';
              if (value && label && label.toLowerCase() === 'tctl') {
                tctl = result.main = Math.round(parseInt(value, 10) / 100) / 10;
              }
              if (value && (label === undefined || (label && label.toLowerCase().startsWith('core')))) {
                result.cores.push(Math.round(parseInt(value, 10) / 100) / 10);
              } else if (value && label && result.main === null && (label.toLowerCase().indexOf('package') >= 0 || label.toLowerCase().indexOf('physical') >= 0 || label.toLowerCase() === 'tccd1')) {
                result.main = Math.round(parseInt(value, 10) / 100) / 10;
              }
            });
            if (tctl && result.main === null) {
              result.main = tctl;
            }

            if (result.cores.length > 0) {
              if (result.main === null) {
                result.main = Math.round(result.cores.reduce((a, b) => a + b, 0) / result.cores.length);
              }
              const maxtmp = Math.max.apply(Math, result.cores);
              result.max = maxtmp > result.main ? maxtmp : result.main;
            }
            if (result.main !== null) {
              if (result.max === null) {
                result.max = result.main;
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
              return;
            }
            if (cpuThermal !== null) {
              result.main = cpuThermal;
              result.max = cpuThermal;
              if (callback) {
                callback(result);
              }
              resolve(result);
              return;
            }
            exec('sensors', (error, stdout) => {
              if (!error) {
                const lines = stdout.toString().split('\n');
                let tdieTemp = null;
                let cpuThermalTemp = null;
                let newSectionStarts = true;
                let section = '';

                lines.forEach((line) => {
                  // Section bestimmen
                  if (line.trim() === '') {
                    newSectionStarts = true;
                  } else if (newSectionStarts) {
                    const s = line.trim().toLowerCase();
                    if (s.startsWith('acpi')) section = 'acpi';
                    else if (s.startsWith('pch')) section = 'pch';
                    else if (s.startsWith('coretemp') || s.startsWith('core')) section = 'core';
                    else if (s.startsWith('k10temp')) section = 'coreAMD';
                    else if (s.startsWith('cpu_thermal') || s.startsWith('cpu-thermal') || s.startsWith('soc_thermal') || s.startsWith('cpu')) section = 'cpuThermal';
                    else section = 'other';
                    newSectionStarts = false;
                  }

                  const regex = /[+-]([^°]*)/g;
                  const temps = line.match(regex);
                  const firstPart = line.split(':')[0].toUpperCase();

                  if (section === 'acpi') {
                    // socket temp
                    if (firstPart.indexOf('TEMP') !== -1 && temps) {
                      result.socket.push(parseFloat(temps));
                    }
                  } else if (section === 'pch') {
                    // chipset temp
                    if (firstPart.indexOf('TEMP') !== -1 && !result.chipset && temps) {
                      result.chipset = parseFloat(temps);
                    }
                  }
                  // cpu temp
                  if ((firstPart.indexOf('PHYSICAL') !== -1 || firstPart.indexOf('PACKAGE') !== -1 || (section === 'coreAMD' && firstPart.indexOf('TDIE') !== -1)) && temps) {
                    result.main = parseFloat(temps);
                  }
                  if (firstPart.indexOf('CORE ') !== -1 && temps) {
                    result.cores.push(parseFloat(temps));
                  }
                  if (firstPart.indexOf('TDIE') !== -1 && tdieTemp === null && temps) {
                    tdieTemp = parseFloat(temps);
                  }

                  // generic temp value from cpuThermal
                  if (section === 'cpuThermal' && firstPart.indexOf('TEMP') !== -1 && cpuThermalTemp === null && temps) {
                    cpuThermalTemp = parseFloat(temps);
                  }
                });
                if (result.cores.length > 0) {
                  result.main = Math.round(result.cores.reduce((a, b) => a + b, 0) / result.cores.length);
                  const maxtmp = Math.max.apply(Math, result.cores);
                  result.max = maxtmp > result.main ? maxtmp : result.main;
                } else {
                  // fallback order: cpu_thermal before tdie
                  if (result.main === null && cpuThermalTemp !== null) {
                    result.main = cpuThermalTemp;
                    result.max = cpuThermalTemp;
                  } else if (result.main === null && tdieTemp !== null) {
                    result.main = tdieTemp;
                    result.max = tdieTemp;
                  }
                }
                if (result.main !== null && result.max === null) {
                  result.max = result.main;
                }
                if (result.main !== null || result.max !== null) {
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                  return;
                }
              }
              fs.stat('/sys/class/thermal/thermal_zone0/temp', (err) => {
                if (err === null) {
                  fs.readFile('/sys/class/thermal/thermal_zone0/temp', (error, stdout) => {
                    if (!error) {
                      const lines = stdout.toString().split('\n');
                      if (lines.length > 0) {
                        result.main = parseFloat(lines[0]) / 1000.0;
                        result.max = result.main;
                      }
                    }
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  });
                } else {
                  exec('/opt/vc/bin/vcgencmd measure_temp', (error, stdout) => {
                    if (!error) {
                      const lines = stdout.toString().split('\n');
                      if (lines.length > 0 && lines[0].indexOf('=') !== -1) {
                        result.main = parseFloat(lines[0].split('=')[1]);
                        result.max = result.main;
                      }
                    }
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  });
                }
              });
            });
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_freebsd || _openbsd || _netbsd) {
        exec('sysctl dev.cpu | grep temp', (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().split('\n');
            let sum = 0;
            lines.forEach((line) => {
              const parts = line.split(':');
              if (parts.length > 1) {
                const temp = parseFloat(parts[1].replace(',', '.'));
                if (temp > result.max) {
                  result.max = temp;
                }
                sum = sum + temp;
                result.cores.push(temp);
              }
            });
            if (result.cores.length) {
              result.main = Math.round((sum / result.cores.length) * 100) / 100;
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        try {
          const osxTemp = __nccwpck_require__(623);
          result = osxTemp.cpuTemperature();
          if (result.main) {
            // round to 2 digits
            result.main = Math.round(result.main * 100) / 100;
          }
          if (result.max) {
            result.max = Math.round(result.max * 100) / 100;
          }
          if (result && result.cores && result.cores.length) {
            for (let i = 0; i < result.cores.length; i++) {
              result.cores[i] = Math.round(result.cores[i] * 100) / 100;
            }
          }
        } catch {
          util.noop();
        }
        try {
          const macosTemp = __nccwpck_require__(748);
          const res = macosTemp.temperature();
          if (res.cpu) {
            // round to 2 digits
            result.main = Math.round(res.cpu * 100) / 100;
            result.max = result.main;
          }
          if (res.soc) {
            // round to 2 digits
            result.chipset = Math.round(res.soc * 100) / 100;
          }
          if (res && res.cpuDieTemps.length) {
            for (const temp of res.cpuDieTemps) {
              result.cores.push(Math.round(temp * 100) / 100);
            }
          }
        } catch {
          util.noop();
        }

        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        try {
          util.powerShell('Get-CimInstance MSAcpi_ThermalZoneTemperature -Namespace "root/wmi" | Select CurrentTemperature').then((stdout, error) => {
            if (!error) {
              let sum = 0;
              const lines = stdout
                .split('\r\n')
                .filter((line) => line.trim() !== '')
                .filter((line, idx) => idx > 0);
              lines.forEach((line) => {
                const value = (parseInt(line, 10) - 2732) / 10;
                if (!isNaN(value)) {
                  sum = sum + value;
                  if (value > result.max) {
                    result.max = value;
                  }
                  result.cores.push(value);
                }
              });
              if (result.cores.length) {
                result.main = sum / result.cores.length;
              }
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.cpuTemperature = cpuTemperature;

// --------------------------
// CPU Flags

function cpuFlags(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = '';
      if (_windows) {
        try {
          exec('reg query "HKEY_LOCAL_MACHINE\\HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0" /v FeatureSet', util.execOptsWin, (error, stdout) => {
            if (!error) {
              const flag_hex = stdout.split('0x').pop().trim();
              const flag_bin_unpadded = parseInt(flag_hex, 16).toString(2);
              const flag_bin = '0'.repeat(32 - flag_bin_unpadded.length) + flag_bin_unpadded;
              // empty flags are the reserved fields in the CPUID feature bit list
              // as found on wikipedia:
              // https://en.wikipedia.org/wiki/CPUID
              const all_flags = [
                'fpu',
                'vme',
                'de',
                'pse',
                'tsc',
                'msr',
                'pae',
                'mce',
                'cx8',
                'apic',
                '',
                'sep',
                'mtrr',
                'pge',
                'mca',
                'cmov',
                'pat',
                'pse-36',
                'psn',
                'clfsh',
                '',
                'ds',
                'acpi',
                'mmx',
                'fxsr',
                'sse',
                'sse2',
                'ss',
                'htt',
                'tm',
                'ia64',
                'pbe'
              ];
              for (let f = 0; f < all_flags.length; f++) {
                if (flag_bin[f] === '1' && all_flags[f] !== '') {
                  result += ' ' + all_flags[f];
                }
              }
              result = result.trim().toLowerCase();
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_linux) {
        try {
          exec('export LC_ALL=C; lscpu; unset LC_ALL', (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');
              lines.forEach((line) => {
                if (line.split(':')[0].toUpperCase().indexOf('FLAGS') !== -1) {
                  result = line.split(':')[1].trim().toLowerCase();
                }
              });
            }
            if (!result) {
              fs.readFile('/proc/cpuinfo', (error, stdout) => {
                if (!error) {
                  const lines = stdout.toString().split('\n');
                  result = util.getValue(lines, 'features', ':', true).toLowerCase();
                }
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_freebsd || _openbsd || _netbsd) {
        exec('export LC_ALL=C; dmidecode -t 4 2>/dev/null; unset LC_ALL', (error, stdout) => {
          const flags = [];
          if (!error) {
            const parts = stdout.toString().split('\tFlags:');
            const lines = parts.length > 1 ? parts[1].split('\tVersion:')[0].split('\n') : [];
            lines.forEach((line) => {
              const flag = (line.indexOf('(') ? line.split('(')[0].toLowerCase() : '').trim().replace(/\t/g, '');
              if (flag) {
                flags.push(flag);
              }
            });
          }
          result = flags.join(' ').trim().toLowerCase();
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        exec('sysctl machdep.cpu.features', (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().split('\n');
            if (lines.length > 0 && lines[0].indexOf('machdep.cpu.features:') !== -1) {
              result = lines[0].split(':')[1].trim().toLowerCase();
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.cpuFlags = cpuFlags;

// --------------------------
// CPU Cache

function cpuCache(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        l1d: null,
        l1i: null,
        l2: null,
        l3: null
      };
      if (_linux) {
        try {
          exec('export LC_ALL=C; lscpu; unset LC_ALL', (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');
              lines.forEach((line) => {
                const parts = line.split(':');
                if (parts[0].toUpperCase().indexOf('L1D CACHE') !== -1) {
                  result.l1d = parseInt(parts[1].trim()) * (parts[1].indexOf('M') !== -1 ? 1024 * 1024 : parts[1].indexOf('K') !== -1 ? 1024 : 1);
                }
                if (parts[0].toUpperCase().indexOf('L1I CACHE') !== -1) {
                  result.l1i = parseInt(parts[1].trim()) * (parts[1].indexOf('M') !== -1 ? 1024 * 1024 : parts[1].indexOf('K') !== -1 ? 1024 : 1);
                }
                if (parts[0].toUpperCase().indexOf('L2 CACHE') !== -1) {
                  result.l2 = parseInt(parts[1].trim()) * (parts[1].indexOf('M') !== -1 ? 1024 * 1024 : parts[1].indexOf('K') !== -1 ? 1024 : 1);
                }
                if (parts[0].toUpperCase().indexOf('L3 CACHE') !== -1) {
                  result.l3 = parseInt(parts[1].trim()) * (parts[1].indexOf('M') !== -1 ? 1024 * 1024 : parts[1].indexOf('K') !== -1 ? 1024 : 1);
                }
              });
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_freebsd || _openbsd || _netbsd) {
        exec('export LC_ALL=C; dmidecode -t 7 2>/dev/null; unset LC_ALL', (error, stdout) => {
          let cache = [];
          if (!error) {
            const data = stdout.toString();
            cache = data.split('Cache Information');
            cache.shift();
          }
          for (let i = 0; i < cache.length; i++) {
            const lines = cache[i].split('\n');
            let cacheType = util.getValue(lines, 'Socket Designation').toLowerCase().replace(' ', '-').split('-');
            cacheType = cacheType.length ? cacheType[0] : '';
            const sizeParts = util.getValue(lines, 'Installed Size').split(' ');
            let size = parseInt(sizeParts[0], 10);
            const unit = sizeParts.length > 1 ? sizeParts[1] : 'kb';
            size = size * (unit === 'kb' ? 1024 : unit === 'mb' ? 1024 * 1024 : unit === 'gb' ? 1024 * 1024 * 1024 : 1);
            if (cacheType) {
              if (cacheType === 'l1') {
                result[cacheType + 'd'] = size / 2;
                result[cacheType + 'i'] = size / 2;
              } else {
                result[cacheType] = size;
              }
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        exec('sysctl hw.l1icachesize hw.l1dcachesize hw.l2cachesize hw.l3cachesize', (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().split('\n');
            lines.forEach((line) => {
              const parts = line.split(':');
              if (parts[0].toLowerCase().indexOf('hw.l1icachesize') !== -1) {
                result.l1i = parseInt(parts[1].trim()) * (parts[1].indexOf('K') !== -1 ? 1024 : 1);
              }
              if (parts[0].toLowerCase().indexOf('hw.l1dcachesize') !== -1) {
                result.l1d = parseInt(parts[1].trim()) * (parts[1].indexOf('K') !== -1 ? 1024 : 1);
              }
              if (parts[0].toLowerCase().indexOf('hw.l2cachesize') !== -1) {
                result.l2 = parseInt(parts[1].trim()) * (parts[1].indexOf('K') !== -1 ? 1024 : 1);
              }
              if (parts[0].toLowerCase().indexOf('hw.l3cachesize') !== -1) {
                result.l3 = parseInt(parts[1].trim()) * (parts[1].indexOf('K') !== -1 ? 1024 : 1);
              }
            });
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        try {
          const workload = [];
          workload.push(util.powerShell('Get-CimInstance Win32_processor | select L2CacheSize, L3CacheSize | fl'));
          workload.push(util.powerShell('Get-CimInstance Win32_CacheMemory | select CacheType,InstalledSize,Level | fl'));

          Promise.all(workload).then((data) => {
            result = parseWinCache(data[0], data[1]);

            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

function parseWinCache(linesProc, linesCache) {
  const result = {
    l1d: null,
    l1i: null,
    l2: null,
    l3: null
  };

  // Win32_processor
  const lines = linesProc.split('\r\n');
  result.l1d = 0;
  result.l1i = 0;
  result.l2 = util.getValue(lines, 'l2cachesize', ':');
  result.l3 = util.getValue(lines, 'l3cachesize', ':');
  if (result.l2) {
    result.l2 = parseInt(result.l2, 10) * 1024;
  } else {
    result.l2 = 0;
  }
  if (result.l3) {
    result.l3 = parseInt(result.l3, 10) * 1024;
  } else {
    result.l3 = 0;
  }

  // Win32_CacheMemory
  const parts = linesCache.split(/\n\s*\n/);
  let l1i = 0;
  let l1d = 0;
  let l2 = 0;
  parts.forEach((part) => {
    const lines = part.split('\r\n');
    const cacheType = util.getValue(lines, 'CacheType');
    const level = util.getValue(lines, 'Level');
    const installedSize = util.getValue(lines, 'InstalledSize');
    // L1 Instructions
    if (level === '3' && cacheType === '3') {
      result.l1i = result.l1i + parseInt(installedSize, 10) * 1024;
    }
    // L1 Data
    if (level === '3' && cacheType === '4') {
      result.l1d = result.l1d + parseInt(installedSize, 10) * 1024;
    }
    // L1 all
    if (level === '3' && cacheType === '5') {
      l1i = parseInt(installedSize, 10) / 2;
      l1d = parseInt(installedSize, 10) / 2;
    }
    // L2
    if (level === '4' && cacheType === '5') {
      l2 = l2 + parseInt(installedSize, 10) * 1024;
    }
  });
  if (!result.l1i && !result.l1d) {
    result.l1i = l1i;
    result.l1d = l1d;
  }
  if (l2) {
    result.l2 = l2;
  }
  return result;
}

exports.cpuCache = cpuCache;

// --------------------------
// CPU - current load - in %

function getLoad() {
  return new Promise((resolve) => {
    process.nextTick(() => {
      const loads = os.loadavg().map((x) => {
        return x / util.cores();
      });
      const avgLoad = parseFloat(Math.max.apply(Math, loads).toFixed(2));
      let result = {};

      const now = Date.now() - _current_cpu.ms;
      if (now >= 200) {
        _current_cpu.ms = Date.now();
        const cpus = os.cpus().map((cpu) => {
          cpu.times.steal = 0;
          cpu.times.guest = 0;
          if (_windows) {
            cpu.times.sys = Math.max(0, cpu.times.sys - cpu.times.irq);
          }
          return cpu;
        });
        let totalUser = 0;
        let totalSystem = 0;
        let totalNice = 0;
        let totalIrq = 0;
        let totalIdle = 0;
        let totalSteal = 0;
        let totalGuest = 0;
        const cores = [];
        _corecount = cpus && cpus.length ? cpus.length : 0;

        // linux: try to get other cpu stats
        if (_linux) {
          try {
            const lines = execSync('cat /proc/stat 2>/dev/null | grep cpu', util.execOptsLinux).toString().split('\n');
            if (lines.length > 1) {
              lines.shift();
              if (lines.length === cpus.length) {
                for (let i = 0; i < lines.length; i++) {
                  const parts = lines[i].split(' ');
                  if (parts.length >= 10) {
                    const steal = parseFloat(parts[8]) || 0;
                    const guest = parseFloat(parts[9]) || 0;
                    cpus[i].times.steal = steal;
                    cpus[i].times.guest = guest;
                  }
                }
              }
            }
          } catch {
            util.noop();
          }
        }

        for (let i = 0; i < _corecount; i++) {
          const cpu = cpus[i].times;
          totalUser += cpu.user;
          totalSystem += cpu.sys;
          totalNice += cpu.nice;
          totalIdle += cpu.idle;
          totalIrq += cpu.irq;
          totalSteal += cpu.steal || 0;
          totalGuest += cpu.guest || 0;
          const tmpTick = _cpus && _cpus[i] && _cpus[i].totalTick ? _cpus[i].totalTick : 0;
          const tmpLoad = _cpus && _cpus[i] && _cpus[i].totalLoad ? _cpus[i].totalLoad : 0;
          const tmpUser = _cpus && _cpus[i] && _cpus[i].user ? _cpus[i].user : 0;
          const tmpSystem = _cpus && _cpus[i] && _cpus[i].sys ? _cpus[i].sys : 0;
          const tmpNice = _cpus && _cpus[i] && _cpus[i].nice ? _cpus[i].nice : 0;
          const tmpIdle = _cpus && _cpus[i] && _cpus[i].idle ? _cpus[i].idle : 0;
          const tmpIrq = _cpus && _cpus[i] && _cpus[i].irq ? _cpus[i].irq : 0;
          const tmpSteal = _cpus && _cpus[i] && _cpus[i].steal ? _cpus[i].steal : 0;
          const tmpGuest = _cpus && _cpus[i] && _cpus[i].guest ? _cpus[i].guest : 0;
          _cpus[i] = cpu;
          _cpus[i].totalTick = _cpus[i].user + _cpus[i].sys + _cpus[i].nice + _cpus[i].irq + _cpus[i].steal + _cpus[i].guest + _cpus[i].idle;
          _cpus[i].totalLoad = _cpus[i].user + _cpus[i].sys + _cpus[i].nice + _cpus[i].irq + _cpus[i].steal + _cpus[i].guest;
          _cpus[i].currentTick = _cpus[i].totalTick - tmpTick;
          _cpus[i].load = _cpus[i].totalLoad - tmpLoad;
          _cpus[i].loadUser = _cpus[i].user - tmpUser;
          _cpus[i].loadSystem = _cpus[i].sys - tmpSystem;
          _cpus[i].loadNice = _cpus[i].nice - tmpNice;
          _cpus[i].loadIdle = _cpus[i].idle - tmpIdle;
          _cpus[i].loadIrq = _cpus[i].irq - tmpIrq;
          _cpus[i].loadSteal = _cpus[i].steal - tmpSteal;
          _cpus[i].loadGuest = _cpus[i].guest - tmpGuest;
          cores[i] = {};
          const coreTick = _cpus[i].currentTick || 1;
          cores[i].load = (_cpus[i].load / coreTick) * 100;
          cores[i].loadUser = (_cpus[i].loadUser / coreTick) * 100;
          cores[i].loadSystem = (_cpus[i].loadSystem / coreTick) * 100;
          cores[i].loadNice = (_cpus[i].loadNice / coreTick) * 100;
          cores[i].loadIdle = (_cpus[i].loadIdle / coreTick) * 100;
          cores[i].loadIrq = (_cpus[i].loadIrq / coreTick) * 100;
          cores[i].loadSteal = (_cpus[i].loadSteal / coreTick) * 100;
          cores[i].loadGuest = (_cpus[i].loadGuest / coreTick) * 100;
          cores[i].rawLoad = _cpus[i].load;
          cores[i].rawLoadUser = _cpus[i].loadUser;
          cores[i].rawLoadSystem = _cpus[i].loadSystem;
          cores[i].rawLoadNice = _cpus[i].loadNice;
          cores[i].rawLoadIdle = _cpus[i].loadIdle;
          cores[i].rawLoadIrq = _cpus[i].loadIrq;
          cores[i].rawLoadSteal = _cpus[i].loadSteal;
          cores[i].rawLoadGuest = _cpus[i].loadGuest;
        }
        const totalTick = totalUser + totalSystem + totalNice + totalIrq + totalSteal + totalGuest + totalIdle;
        const totalLoad = totalUser + totalSystem + totalNice + totalIrq + totalSteal + totalGuest;
        const currentTick = totalTick - _current_cpu.tick || 1;
        result = {
          avgLoad: avgLoad,
          currentLoad: ((totalLoad - _current_cpu.load) / currentTick) * 100,
          currentLoadUser: ((totalUser - _current_cpu.user) / currentTick) * 100,
          currentLoadSystem: ((totalSystem - _current_cpu.system) / currentTick) * 100,
          currentLoadNice: ((totalNice - _current_cpu.nice) / currentTick) * 100,
          currentLoadIdle: ((totalIdle - _current_cpu.idle) / currentTick) * 100,
          currentLoadIrq: ((totalIrq - _current_cpu.irq) / currentTick) * 100,
          currentLoadSteal: ((totalSteal - _current_cpu.steal) / currentTick) * 100,
          currentLoadGuest: ((totalGuest - _current_cpu.guest) / currentTick) * 100,
          rawCurrentLoad: totalLoad - _current_cpu.load,
          rawCurrentLoadUser: totalUser - _current_cpu.user,
          rawCurrentLoadSystem: totalSystem - _current_cpu.system,
          rawCurrentLoadNice: totalNice - _current_cpu.nice,
          rawCurrentLoadIdle: totalIdle - _current_cpu.idle,
          rawCurrentLoadIrq: totalIrq - _current_cpu.irq,
          rawCurrentLoadSteal: totalSteal - _current_cpu.steal,
          rawCurrentLoadGuest: totalGuest - _current_cpu.guest,
          cpus: cores
        };
        _current_cpu = {
          user: totalUser,
          nice: totalNice,
          system: totalSystem,
          idle: totalIdle,
          irq: totalIrq,
          steal: totalSteal,
          guest: totalGuest,
          tick: totalTick,
          load: totalLoad,
          ms: _current_cpu.ms,
          currentLoad: result.currentLoad,
          currentLoadUser: result.currentLoadUser,
          currentLoadSystem: result.currentLoadSystem,
          currentLoadNice: result.currentLoadNice,
          currentLoadIdle: result.currentLoadIdle,
          currentLoadIrq: result.currentLoadIrq,
          currentLoadSteal: result.currentLoadSteal,
          currentLoadGuest: result.currentLoadGuest,
          rawCurrentLoad: result.rawCurrentLoad,
          rawCurrentLoadUser: result.rawCurrentLoadUser,
          rawCurrentLoadSystem: result.rawCurrentLoadSystem,
          rawCurrentLoadNice: result.rawCurrentLoadNice,
          rawCurrentLoadIdle: result.rawCurrentLoadIdle,
          rawCurrentLoadIrq: result.rawCurrentLoadIrq,
          rawCurrentLoadSteal: result.rawCurrentLoadSteal,
          rawCurrentLoadGuest: result.rawCurrentLoadGuest
        };
      } else {
        const cores = [];
        for (let i = 0; i < _corecount; i++) {
          cores[i] = {};
          const coreTick = _cpus[i].currentTick || 1;
          cores[i].load = (_cpus[i].load / coreTick) * 100;
          cores[i].loadUser = (_cpus[i].loadUser / coreTick) * 100;
          cores[i].loadSystem = (_cpus[i].loadSystem / coreTick) * 100;
          cores[i].loadNice = (_cpus[i].loadNice / coreTick) * 100;
          cores[i].loadIdle = (_cpus[i].loadIdle / coreTick) * 100;
          cores[i].loadIrq = (_cpus[i].loadIrq / coreTick) * 100;
          cores[i].loadSteal = (_cpus[i].loadSteal / coreTick) * 100;
          cores[i].loadGuest = (_cpus[i].loadGuest / coreTick) * 100;
          cores[i].rawLoad = _cpus[i].load;
          cores[i].rawLoadUser = _cpus[i].loadUser;
          cores[i].rawLoadSystem = _cpus[i].loadSystem;
          cores[i].rawLoadNice = _cpus[i].loadNice;
          cores[i].rawLoadIdle = _cpus[i].loadIdle;
          cores[i].rawLoadIrq = _cpus[i].loadIrq;
          cores[i].rawLoadSteal = _cpus[i].loadSteal;
          cores[i].rawLoadGuest = _cpus[i].loadGuest;
        }
        result = {
          avgLoad: avgLoad,
          currentLoad: _current_cpu.currentLoad,
          currentLoadUser: _current_cpu.currentLoadUser,
          currentLoadSystem: _current_cpu.currentLoadSystem,
          currentLoadNice: _current_cpu.currentLoadNice,
          currentLoadIdle: _current_cpu.currentLoadIdle,
          currentLoadIrq: _current_cpu.currentLoadIrq,
          currentLoadSteal: _current_cpu.currentLoadSteal,
          currentLoadGuest: _current_cpu.currentLoadGuest,
          rawCurrentLoad: _current_cpu.rawCurrentLoad,
          rawCurrentLoadUser: _current_cpu.rawCurrentLoadUser,
          rawCurrentLoadSystem: _current_cpu.rawCurrentLoadSystem,
          rawCurrentLoadNice: _current_cpu.rawCurrentLoadNice,
          rawCurrentLoadIdle: _current_cpu.rawCurrentLoadIdle,
          rawCurrentLoadIrq: _current_cpu.rawCurrentLoadIrq,
          rawCurrentLoadSteal: _current_cpu.rawCurrentLoadSteal,
          rawCurrentLoadGuest: _current_cpu.rawCurrentLoadGuest,
          cpus: cores
        };
      }
      resolve(result);
    });
  });
}

function currentLoad(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (_current_cpu.ms === 0) {
        // no baseline yet (first call): prime the counters, then measure over a
        // short interval instead of returning the average load since boot
        getLoad().then(() => {
          setTimeout(() => {
            getLoad().then((result) => {
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          }, 500);
        });
      } else {
        getLoad().then((result) => {
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
    });
  });
}

exports.currentLoad = currentLoad;

// --------------------------
// PS - full load
// since bootup

function getFullLoad() {
  return new Promise((resolve) => {
    process.nextTick(() => {
      const cpus = os.cpus();
      let totalUser = 0;
      let totalSystem = 0;
      let totalNice = 0;
      let totalIrq = 0;
      let totalIdle = 0;

      let result = 0;

      if (cpus && cpus.length) {
        for (let i = 0, len = cpus.length; i < len; i++) {
          const cpu = cpus[i].times;
          totalUser += cpu.user;
          totalSystem += _windows ? Math.max(0, cpu.sys - cpu.irq) : cpu.sys;
          totalNice += cpu.nice;
          totalIrq += cpu.irq;
          totalIdle += cpu.idle;
        }
        const totalTicks = totalIdle + totalIrq + totalNice + totalSystem + totalUser;
        result = ((totalTicks - totalIdle) / totalTicks) * 100.0;
      }
      resolve(result);
    });
  });
}

function fullLoad(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      getFullLoad().then((result) => {
        if (callback) {
          callback(result);
        }
        resolve(result);
      });
    });
  });
}

exports.fullLoad = fullLoad;


/***/ }),

/***/ 448:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// docker.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 13. Docker
// ----------------------------------------------------------------------------------

const util = __nccwpck_require__(796);
const DockerSocket = __nccwpck_require__(765);

const _platform = process.platform;
const _windows = _platform === 'win32';

const _docker_cpu_last_read = {};
let _docker_socket;

// --------------------------
// get containers (parameter all: get also inactive/exited containers)

function dockerInfo(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (!_docker_socket) {
        _docker_socket = new DockerSocket();
      }
      const result = {};

      _docker_socket.getInfo((data) => {
        result.id = data.ID;
        result.containers = data.Containers;
        result.containersRunning = data.ContainersRunning;
        result.containersPaused = data.ContainersPaused;
        result.containersStopped = data.ContainersStopped;
        result.images = data.Images;
        result.driver = data.Driver;
        result.memoryLimit = data.MemoryLimit;
        result.swapLimit = data.SwapLimit;
        result.kernelMemory = data.KernelMemory;
        result.cpuCfsPeriod = data.CpuCfsPeriod;
        result.cpuCfsQuota = data.CpuCfsQuota;
        result.cpuShares = data.CPUShares;
        result.cpuSet = data.CPUSet;
        result.ipv4Forwarding = data.IPv4Forwarding;
        result.bridgeNfIptables = data.BridgeNfIptables;
        result.bridgeNfIp6tables = data.BridgeNfIp6tables;
        result.debug = data.Debug;
        result.nfd = data.NFd;
        result.oomKillDisable = data.OomKillDisable;
        result.ngoroutines = data.NGoroutines;
        result.systemTime = data.SystemTime;
        result.loggingDriver = data.LoggingDriver;
        result.cgroupDriver = data.CgroupDriver;
        result.nEventsListener = data.NEventsListener;
        result.kernelVersion = data.KernelVersion;
        result.operatingSystem = data.OperatingSystem;
        result.osType = data.OSType;
        result.architecture = data.Architecture;
        result.ncpu = data.NCPU;
        result.memTotal = data.MemTotal;
        result.dockerRootDir = data.DockerRootDir;
        result.httpProxy = data.HttpProxy;
        result.httpsProxy = data.HttpsProxy;
        result.noProxy = data.NoProxy;
        result.name = data.Name;
        result.labels = data.Labels;
        result.experimentalBuild = data.ExperimentalBuild;
        result.serverVersion = data.ServerVersion;
        result.clusterStore = data.ClusterStore;
        result.clusterAdvertise = data.ClusterAdvertise;
        result.defaultRuntime = data.DefaultRuntime;
        result.liveRestoreEnabled = data.LiveRestoreEnabled;
        result.isolation = data.Isolation;
        result.initBinary = data.InitBinary;
        result.productLicense = data.ProductLicense;
        if (callback) {
          callback(result);
        }
        resolve(result);
      });
    });
  });
}

exports.dockerInfo = dockerInfo;

function dockerImages(all, callback) {
  callback = util.isFunction(callback) ? callback : null;
  // fallback - if only callback is given
  if (util.isFunction(all) && !callback) {
    callback = all;
    all = false;
  }
  if (typeof all === 'string' && all === 'true') {
    all = true;
  }
  if (typeof all !== 'boolean' && all !== undefined) {
    all = false;
  }

  all = all || false;
  const result = [];
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (!_docker_socket) {
        _docker_socket = new DockerSocket();
      }
      const workload = [];

      _docker_socket.listImages(all, (data) => {
        let dockerImages = {};
        try {
          dockerImages = data;
          if (dockerImages && Object.prototype.toString.call(dockerImages) === '[object Array]' && dockerImages.length > 0) {
            dockerImages.forEach((element) => {
              if (element.Names && Object.prototype.toString.call(element.Names) === '[object Array]' && element.Names.length > 0) {
                element.Name = element.Names[0].replace(/^\/|\/$/g, '');
              }
              if (element.Id && typeof element.Id === 'string') {
                workload.push(dockerImagesInspect(element.Id.trim(), element));
              }
            });
            if (workload.length) {
              Promise.all(workload).then((data) => {
                if (callback) {
                  callback(data);
                }
                resolve(data);
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      });
    });
  });
}

// --------------------------
// container inspect (for one container)

function dockerImagesInspect(imageID, payload) {
  return new Promise((resolve) => {
    process.nextTick(() => {
      imageID = imageID || '';
      if (typeof imageID !== 'string') {
        return resolve();
      }
      const imageIDSanitized = util.isPrototypePolluted() ? '' : util.sanitizeImageID(imageID);
      if (imageIDSanitized) {
        if (!_docker_socket) {
          _docker_socket = new DockerSocket();
        }

        _docker_socket.inspectImage(imageIDSanitized, (data) => {
          try {
            resolve({
              id: payload.Id,
              container: data.Container,
              comment: data.Comment,
              os: data.Os,
              architecture: data.Architecture,
              parent: data.Parent,
              dockerVersion: data.DockerVersion,
              size: data.Size,
              sharedSize: payload.SharedSize,
              virtualSize: data.VirtualSize,
              author: data.Author,
              created: data.Created ? Math.round(new Date(data.Created).getTime() / 1000) : 0,
              containerConfig: data.ContainerConfig ? data.ContainerConfig : {},
              graphDriver: data.GraphDriver ? data.GraphDriver : {},
              repoDigests: data.RepoDigests ? data.RepoDigests : [],
              repoTags: data.RepoTags ? data.RepoTags : [],
              config: data.Config ? data.Config : {},
              rootFS: data.RootFS ? data.RootFS : {}
            });
          } catch {
            resolve();
          }
        });
      } else {
        resolve();
      }
    });
  });
}

exports.dockerImages = dockerImages;

function dockerContainers(all, callback) {
  callback = util.isFunction(callback) ? callback : null;
  function inContainers(containers, id) {
    return containers.some((obj) => obj.Id && obj.Id.indexOf(id) === 0);
  }

  // fallback - if only callback is given
  if (util.isFunction(all) && !callback) {
    callback = all;
    all = false;
  }
  if (typeof all === 'string' && all === 'true') {
    all = true;
  }
  if (typeof all !== 'boolean' && all !== undefined) {
    all = false;
  }

  all = all || false;
  const result = [];
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (!_docker_socket) {
        _docker_socket = new DockerSocket();
      }
      const workload = [];

      _docker_socket.listContainers(all, (data) => {
        let docker_containers = {};
        try {
          docker_containers = data;
          if (docker_containers && Object.prototype.toString.call(docker_containers) === '[object Array]' && docker_containers.length > 0) {
            // GC in _docker_cpu_last_read
            for (const key in _docker_cpu_last_read) {
              if ({}.hasOwnProperty.call(_docker_cpu_last_read, key)) {
                if (!inContainers(docker_containers, key)) {
                  delete _docker_cpu_last_read[key];
                }
              }
            }

            docker_containers.forEach((element) => {
              if (element.Names && Object.prototype.toString.call(element.Names) === '[object Array]' && element.Names.length > 0) {
                element.Name = element.Names[0].replace(/^\/|\/$/g, '');
              }
              if (element.Id && typeof element.Id === 'string') {
                workload.push(dockerContainerInspect(element.Id.trim(), element));
              }
            });
            if (workload.length) {
              Promise.all(workload).then((data) => {
                if (callback) {
                  callback(data);
                }
                resolve(data);
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } catch (err) {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      });
    });
  });
}

// --------------------------
// container inspect (for one container)

function dockerContainerInspect(containerID, payload) {
  return new Promise((resolve) => {
    process.nextTick(() => {
      containerID = containerID || '';
      if (typeof containerID !== 'string') {
        return resolve();
      }
      const containerIdSanitized = util.isPrototypePolluted() ? '' : util.sanitizeContainerID(containerID);
      if (containerIdSanitized) {
        if (!_docker_socket) {
          _docker_socket = new DockerSocket();
        }

        _docker_socket.getInspect(containerIdSanitized, (data) => {
          try {
            resolve({
              id: payload.Id,
              name: payload.Name,
              image: payload.Image,
              imageID: payload.ImageID,
              command: payload.Command,
              created: payload.Created,
              started: data.State && data.State.StartedAt ? Math.round(new Date(data.State.StartedAt).getTime() / 1000) : 0,
              finished: data.State && data.State.FinishedAt && !data.State.FinishedAt.startsWith('0001-01-01') ? Math.round(new Date(data.State.FinishedAt).getTime() / 1000) : 0,
              createdAt: data.Created ? data.Created : '',
              startedAt: data.State && data.State.StartedAt ? data.State.StartedAt : '',
              finishedAt: data.State && data.State.FinishedAt && !data.State.FinishedAt.startsWith('0001-01-01') ? data.State.FinishedAt : '',
              status: data.State && data.State.Health && data.State.Health.Status ? data.State.Health.Status : '',
              state: payload.State,
              restartCount: data.RestartCount || 0,
              platform: data.Platform || '',
              driver: data.Driver || '',
              labels: data.Config && data.Config.Labels ? data.Config.Labels : {},
              ports: payload.Ports,
              mounts: payload.Mounts
              // hostconfig: payload.HostConfig,
              // network: payload.NetworkSettings
            });
          } catch {
            resolve();
          }
        });
      } else {
        resolve();
      }
    });
  });
}

exports.dockerContainers = dockerContainers;

// --------------------------
// helper functions for calculation of docker stats

function docker_calcCPUPercent(cpu_stats, precpu_stats, id) {
  /**
   * @namespace
   * @property {object}  cpu_usage
   * @property {number}  cpu_usage.total_usage
   * @property {number}  system_cpu_usage
   * @property {object}  cpu_usage
   * @property {Array}  cpu_usage.percpu_usage
   */
  if (!cpu_stats || !cpu_stats.cpu_usage || !precpu_stats) {
    return 0;
  }
  const precpuTotal = precpu_stats.cpu_usage && precpu_stats.cpu_usage.total_usage ? precpu_stats.cpu_usage.total_usage : 0;

  if (!_windows) {
    let cpuPercent = 0.0;
    // calculate the change for the cpu usage of the container in between readings
    const cpuDelta = cpu_stats.cpu_usage.total_usage - precpuTotal;
    // calculate the change for the entire system between readings
    const systemDelta = cpu_stats.system_cpu_usage - (precpu_stats.system_cpu_usage || 0);

    if (systemDelta > 0.0 && cpuDelta > 0.0) {
      // calculate the change for the cpu usage of the container in between readings
      if (precpu_stats.online_cpus) {
        cpuPercent = (cpuDelta / systemDelta) * precpu_stats.online_cpus * 100.0;
      } else if (cpu_stats.cpu_usage.percpu_usage && cpu_stats.cpu_usage.percpu_usage.length) {
        cpuPercent = (cpuDelta / systemDelta) * cpu_stats.cpu_usage.percpu_usage.length * 100.0;
      }
    }

    return cpuPercent;
  } else {
    const nanoSecNow = util.nanoSeconds();
    let cpuPercent = 0.0;
    const lastRead = _docker_cpu_last_read[id] || 0;
    if (lastRead > 0) {
      const possIntervals = nanoSecNow - lastRead;
      const intervalsUsed = cpu_stats.cpu_usage.total_usage - precpuTotal;
      if (possIntervals > 0) {
        cpuPercent = (100.0 * intervalsUsed) / possIntervals;
      }
    }
    _docker_cpu_last_read[id] = nanoSecNow;
    return cpuPercent;
  }
}

function docker_calcNetworkIO(networks) {
  let rx = 0;
  let wx = 0;
  for (const key in networks) {
    // skip loop if the property is from prototype
    if (!{}.hasOwnProperty.call(networks, key)) {
      continue;
    }

    /**
     * @namespace
     * @property {number}  rx_bytes
     * @property {number}  tx_bytes
     */
    const obj = networks[key];
    rx = +obj.rx_bytes;
    wx = +obj.tx_bytes;
  }
  return {
    rx,
    wx
  };
}

function docker_calcBlockIO(blkio_stats) {
  const result = {
    r: 0,
    w: 0
  };

  /**
   * @namespace
   * @property {Array}  io_service_bytes_recursive
   */
  if (
    blkio_stats &&
    blkio_stats.io_service_bytes_recursive &&
    Object.prototype.toString.call(blkio_stats.io_service_bytes_recursive) === '[object Array]' &&
    blkio_stats.io_service_bytes_recursive.length > 0
  ) {
    blkio_stats.io_service_bytes_recursive.forEach((element) => {
      /**
       * @namespace
       * @property {string}  op
       * @property {number}  value
       */

      if (element.op && element.op.toLowerCase() === 'read' && element.value) {
        result.r += element.value;
      }
      if (element.op && element.op.toLowerCase() === 'write' && element.value) {
        result.w += element.value;
      }
    });
  }
  return result;
}

function dockerContainerStats(containerIDs, callback) {
  callback = util.isFunction(callback) ? callback : null;
  let containerArray = [];
  return new Promise((resolve) => {
    process.nextTick(() => {
      // fallback - if only callback is given
      if (util.isFunction(containerIDs) && !callback) {
        callback = containerIDs;
        containerArray = ['*'];
      } else {
        containerIDs = containerIDs || '*';
        if (typeof containerIDs !== 'string') {
          if (callback) {
            callback([]);
          }
          return resolve([]);
        }
        let containerIDsSanitized = '';
        try {
          containerIDsSanitized.__proto__.toLowerCase = util.stringToLower;
          containerIDsSanitized.__proto__.replace = util.stringReplace;
          containerIDsSanitized.__proto__.toString = util.stringToString;
          containerIDsSanitized.__proto__.substr = util.stringSubstr;
          containerIDsSanitized.__proto__.substring = util.stringSubstring;
          containerIDsSanitized.__proto__.trim = util.stringTrim;
          containerIDsSanitized.__proto__.startsWith = util.stringStartWith;
        } catch (e) {
          Object.setPrototypeOf(containerIDsSanitized, util.stringObj);
        }

        containerIDsSanitized = containerIDs.trim();
        if (containerIDsSanitized !== '*') {
          containerIDsSanitized = util.isPrototypePolluted() ? '' : util.sanitizeContainerID(containerIDs);
        }
        containerArray = containerIDsSanitized
          .trim()
          .toLowerCase()
          .replace(/,+/g, '|')
          .split('|')
          .filter((item) => item.trim());
      }

      const result = [];

      const workload = [];
      if (containerArray.length && containerArray[0].trim() === '*') {
        containerArray = [];
        dockerContainers().then((allContainers) => {
          for (const container of (allContainers || []).filter(Boolean)) {
            if (container.id) {
              containerArray.push(container.id.substring(0, 12));
            }
          }
          if (containerArray.length) {
            dockerContainerStats(containerArray.join(',')).then((result) => {
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        });
      } else {
        for (const containerID of containerArray) {
          workload.push(dockerContainerStatsSingle(containerID.trim()));
        }
        if (workload.length) {
          Promise.all(workload).then((data) => {
            if (callback) {
              callback(data);
            }
            resolve(data);
          });
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

// --------------------------
// container stats (for one container)

function dockerContainerStatsSingle(containerID) {
  containerID = containerID || '';
  const result = {
    id: containerID,
    memUsage: 0,
    memLimit: 0,
    memPercent: 0,
    cpuPercent: 0,
    pids: 0,
    netIO: {
      rx: 0,
      wx: 0
    },
    blockIO: {
      r: 0,
      w: 0
    },
    restartCount: 0,
    cpuStats: {},
    precpuStats: {},
    memoryStats: {},
    networks: {}
  };
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (containerID) {
        if (!_docker_socket) {
          _docker_socket = new DockerSocket();
        }

        _docker_socket.getInspect(containerID, (dataInspect) => {
          try {
            _docker_socket.getStats(containerID, (data) => {
              try {
                const stats = data;
                if (!stats.message) {
                  if (data.id) {
                    result.id = data.id;
                  }
                  result.memUsage = stats.memory_stats && stats.memory_stats.usage ? stats.memory_stats.usage : 0;
                  result.memLimit = stats.memory_stats && stats.memory_stats.limit ? stats.memory_stats.limit : 0;
                  result.memPercent = stats.memory_stats && stats.memory_stats.usage && stats.memory_stats.limit ? (stats.memory_stats.usage / stats.memory_stats.limit) * 100.0 : 0;
                  result.cpuPercent = stats.cpu_stats && stats.precpu_stats ? docker_calcCPUPercent(stats.cpu_stats, stats.precpu_stats, containerID) : 0;
                  result.pids = stats.pids_stats && stats.pids_stats.current ? stats.pids_stats.current : 0;
                  result.restartCount = dataInspect.RestartCount ? dataInspect.RestartCount : 0;
                  if (stats.networks) {
                    result.netIO = docker_calcNetworkIO(stats.networks);
                  }
                  if (stats.blkio_stats) {
                    result.blockIO = docker_calcBlockIO(stats.blkio_stats);
                  }
                  result.cpuStats = stats.cpu_stats ? stats.cpu_stats : {};
                  result.precpuStats = stats.precpu_stats ? stats.precpu_stats : {};
                  result.memoryStats = stats.memory_stats ? stats.memory_stats : {};
                  result.networks = stats.networks ? stats.networks : {};
                }
              } catch {
                util.noop();
              }
              // }
              resolve(result);
            });
          } catch {
            util.noop();
          }
        });
      } else {
        resolve(result);
      }
    });
  });
}

exports.dockerContainerStats = dockerContainerStats;

// --------------------------
// container processes (for one container)

function dockerContainerProcesses(containerID, callback) {
  callback = util.isFunction(callback) ? callback : null;
  if (util.isFunction(containerID) && !callback) {
    callback = containerID;
    containerID = '';
  }
  const result = [];
  return new Promise((resolve) => {
    process.nextTick(() => {
      containerID = containerID || '';
      if (typeof containerID !== 'string') {
        if (callback) {
          callback(result);
        }
        return resolve(result);
      }
      const containerIdSanitized = util.isPrototypePolluted() ? '' : util.sanitizeContainerID(containerID);

      if (containerIdSanitized) {
        if (!_docker_socket) {
          _docker_socket = new DockerSocket();
        }

        _docker_socket.getProcesses(containerIdSanitized, (data) => {
          /**
           * @namespace
           * @property {Array}  Titles
           * @property {Array}  Processes
           **/
          try {
            if (data && data.Titles && data.Processes) {
              const titles = data.Titles.map((value) => value.toUpperCase());
              const pos_pid = titles.indexOf('PID');
              const pos_ppid = titles.indexOf('PPID');
              const pos_pgid = titles.indexOf('PGID');
              const pos_vsz = titles.indexOf('VSZ');
              const pos_time = titles.indexOf('TIME');
              const pos_elapsed = titles.indexOf('ELAPSED');
              const pos_ni = titles.indexOf('NI');
              const pos_ruser = titles.indexOf('RUSER');
              const pos_user = titles.indexOf('USER');
              const pos_rgroup = titles.indexOf('RGROUP');
              const pos_group = titles.indexOf('GROUP');
              const pos_stat = titles.indexOf('STAT');
              const pos_rss = titles.indexOf('RSS');
              const pos_command = titles.indexOf('COMMAND');

              data.Processes.forEach((process) => {
                result.push({
                  pidHost: pos_pid >= 0 ? process[pos_pid] : '',
                  ppid: pos_ppid >= 0 ? process[pos_ppid] : '',
                  pgid: pos_pgid >= 0 ? process[pos_pgid] : '',
                  user: pos_user >= 0 ? process[pos_user] : '',
                  ruser: pos_ruser >= 0 ? process[pos_ruser] : '',
                  group: pos_group >= 0 ? process[pos_group] : '',
                  rgroup: pos_rgroup >= 0 ? process[pos_rgroup] : '',
                  stat: pos_stat >= 0 ? process[pos_stat] : '',
                  time: pos_time >= 0 ? process[pos_time] : '',
                  elapsed: pos_elapsed >= 0 ? process[pos_elapsed] : '',
                  nice: pos_ni >= 0 ? process[pos_ni] : '',
                  rss: pos_rss >= 0 ? process[pos_rss] : '',
                  vsz: pos_vsz >= 0 ? process[pos_vsz] : '',
                  command: pos_command >= 0 ? process[pos_command] : ''
                });
              });
            }
          } catch {
            util.noop();
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } else {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.dockerContainerProcesses = dockerContainerProcesses;

function dockerVolumes(callback) {
  callback = util.isFunction(callback) ? callback : null;
  const result = [];
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (!_docker_socket) {
        _docker_socket = new DockerSocket();
      }
      _docker_socket.listVolumes((data) => {
        let dockerVolumes = {};
        try {
          dockerVolumes = data;
          if (dockerVolumes && dockerVolumes.Volumes && Object.prototype.toString.call(dockerVolumes.Volumes) === '[object Array]' && dockerVolumes.Volumes.length > 0) {
            dockerVolumes.Volumes.forEach((element) => {
              result.push({
                name: element.Name,
                driver: element.Driver,
                labels: element.Labels,
                mountpoint: element.Mountpoint,
                options: element.Options,
                scope: element.Scope,
                created: element.CreatedAt ? Math.round(new Date(element.CreatedAt).getTime() / 1000) : 0
              });
            });
            if (callback) {
              callback(result);
            }
            resolve(result);
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      });
    });
  });
}

exports.dockerVolumes = dockerVolumes;

function dockerAll(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      dockerContainers(true).then((result) => {
        if (result && Object.prototype.toString.call(result) === '[object Array]' && result.length > 0) {
          let l = result.length;
          result.forEach((element) => {
            dockerContainerStats(element.id).then((res) => {
              // include stats in array
              if (res && res[0]) {
                element.memUsage = res[0].memUsage;
                element.memLimit = res[0].memLimit;
                element.memPercent = res[0].memPercent;
                element.cpuPercent = res[0].cpuPercent;
                element.pids = res[0].pids;
                element.netIO = res[0].netIO;
                element.blockIO = res[0].blockIO;
                element.cpuStats = res[0].cpuStats;
                element.precpuStats = res[0].precpuStats;
                element.memoryStats = res[0].memoryStats;
                element.networks = res[0].networks;
              }

              dockerContainerProcesses(element.id).then((processes) => {
                element.processes = processes;

                l -= 1;
                if (l === 0) {
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                }
              });
              // all done??
            });
          });
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      });
    });
  });
}

exports.dockerAll = dockerAll;


/***/ }),

/***/ 765:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// dockerSockets.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 13. DockerSockets
// ----------------------------------------------------------------------------------

const net = __nccwpck_require__(278);
const isWin = (__nccwpck_require__(857).type)() === 'Windows_NT';
const socketPath = process.env.DOCKER_SOCKET || (isWin ? '//./pipe/docker_engine' : '/var/run/docker.sock');
const socketTimeout = +process.env.DOCKER_SOCKET_TIMEOUT || 30000;

function fetchJson(path, callback) {
  let done = false;
  const finish = (result) => {
    if (!done) {
      done = true;
      callback(result);
    }
  };
  try {
    const socket = net.createConnection({ path: socketPath });
    let alldata = '';

    socket.setTimeout(socketTimeout, () => {
      socket.destroy();
      finish({});
    });

    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.0\r\n\r\n`);
    });

    socket.on('data', (data) => {
      alldata = alldata + data.toString();
    });

    socket.on('error', () => {
      finish({});
    });

    socket.on('end', () => {
      const startbody = alldata.indexOf('\r\n\r\n');
      const status = parseInt(alldata.split(' ')[1], 10);
      if (startbody < 0 || isNaN(status) || status < 200 || status >= 300) {
        return finish({});
      }
      try {
        finish(JSON.parse(alldata.substring(startbody + 4)));
      } catch {
        finish({});
      }
    });
  } catch {
    finish({});
  }
}

class DockerSocket {
  getInfo(callback) {
    fetchJson('http:/info', callback);
  }

  listImages(all, callback) {
    fetchJson(`http:/images/json${all ? '?all=1' : ''}`, callback);
  }

  inspectImage(id, callback) {
    if (id) {
      fetchJson(`http:/images/${id}/json?stream=0`, callback);
    } else {
      callback({});
    }
  }

  listContainers(all, callback) {
    fetchJson(`http:/containers/json${all ? '?all=1' : ''}`, callback);
  }

  getStats(id, callback) {
    if (id) {
      fetchJson(`http:/containers/${id}/stats?stream=0`, callback);
    } else {
      callback({});
    }
  }

  getInspect(id, callback) {
    if (id) {
      fetchJson(`http:/containers/${id}/json?stream=0`, callback);
    } else {
      callback({});
    }
  }

  getProcesses(id, callback) {
    if (id) {
      fetchJson(`http:/containers/${id}/top?ps_args=-opid,ppid,pgid,vsz,time,etime,nice,ruser,user,rgroup,group,stat,rss,args`, callback);
    } else {
      callback({});
    }
  }

  listVolumes(callback) {
    fetchJson('http:/volumes', callback);
  }
}

module.exports = DockerSocket;


/***/ }),

/***/ 147:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// filesystem.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 8. File System
// ----------------------------------------------------------------------------------

const util = __nccwpck_require__(796);
const fs = __nccwpck_require__(896);

const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const execPromiseSave = util.promisifySave((__nccwpck_require__(317).exec));

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

const _fs_speed = {};
const _disk_io = {};

// --------------------------
// FS - mounted file systems

function fsSize(drive, callback) {
  callback = util.isFunction(callback) ? callback : null;
  if (util.isFunction(drive)) {
    callback = drive;
    drive = '';
  }

  let macOsDisks = [];
  const macOsFsTypes = new Map();
  let osMounts = [];

  // macOS df has no type column, so the type used to be guessed from diskutil - which only ever
  // produced APFS, HFS or NFS and therefore never recognised zfs, exfat, msdos or smbfs. mount
  // knows the real type, so prefer it and keep the old names for the three it could produce.
  function macOsFsType(fs) {
    const type = macOsFsTypes.get(fs);
    if (!type) {
      return getmacOsFsType(fs);
    }
    return type === 'apfs' ? 'APFS' : type === 'hfs' ? 'HFS' : type === 'nfs' ? 'NFS' : type;
  }

  function getmacOsFsType(fs) {
    if (!fs.startsWith('/')) {
      return 'NFS';
    }
    const parts = fs.split('/');
    const fsShort = parts[parts.length - 1];
    const macOsDisksSingle = macOsDisks.filter((item) => item.indexOf(fsShort) >= 0);
    if (macOsDisksSingle.length === 1 && macOsDisksSingle[0].indexOf('APFS') >= 0) {
      return 'APFS';
    }
    return 'HFS';
  }

  function isLinuxTmpFs(fs) {
    const linuxTmpFileSystems = ['rootfs', 'unionfs', 'squashfs', 'cramfs', 'initrd', 'initramfs', 'devtmpfs', 'tmpfs', 'udev', 'devfs', 'specfs', 'type', 'appimaged'];
    let result = false;
    linuxTmpFileSystems.forEach((linuxFs) => {
      if (fs.toLowerCase().indexOf(linuxFs) >= 0) {
        result = true;
      }
    });
    return result;
  }

  function filterLines(stdout) {
    const lines = stdout.toString().split('\n');
    lines.shift();
    if (stdout.toString().toLowerCase().indexOf('filesystem') >= 0) {
      let removeLines = 0;
      for (let i = 0; i < lines.length; i++) {
        if (lines[i] && lines[i].toLowerCase().startsWith('filesystem')) {
          removeLines = i;
        }
      }
      for (let i = 0; i < removeLines; i++) {
        lines.shift();
      }
    }
    return lines;
  }

  // ZFS datasets share the pool, so df only reports what a dataset references itself - a parent
  // holding its data in child datasets looks empty (#1017). Only `zfs list` knows the
  // hierarchical usage, so query it once when a zfs mount is present.
  function applyZfsUsage(data, cb) {
    if (!data.some((item) => item.type === 'zfs')) {
      return cb(data);
    }
    exec('zfs list -H -p -o name,used,avail,mountpoint', { ...util.execOptsLinux, timeout: 5000 }, (error, stdout) => {
      if (error) {
        // a truncated or timed out listing would correct only part of the datasets and leave the
        // rest on their df values - correct none instead, so the result stays consistent
        return cb(data);
      }
      const byMount = Object.create(null);
      const byName = Object.create(null);
      (stdout || '')
        .toString()
        .split('\n')
        .forEach((line) => {
          const parts = line.split('\t');
          if (parts.length < 4) {
            return;
          }
          const entry = { used: parseInt(parts[1], 10), available: parseInt(parts[2], 10) };
          if (isNaN(entry.used) || isNaN(entry.available)) {
            return;
          }
          byName[parts[0]] = entry;
          const mount = parts[3].trim();
          // several datasets can carry the same mountpoint (root-on-zfs boot environments all
          // declare "/"), so the mount index is only a fallback - keep the first one
          if (mount.startsWith('/') && !byMount[mount]) {
            byMount[mount] = entry;
          }
        });
      data.forEach((item) => {
        if (item.type !== 'zfs') {
          return;
        }
        // the fs column is the exact dataset name and therefore unambiguous, unlike the mountpoint
        const dataset = byName[item.fs] || byMount[item.mount];
        if (!dataset || !(dataset.used + dataset.available)) {
          return;
        }
        item.used = dataset.used;
        item.available = dataset.available;
        item.size = dataset.used + dataset.available;
        item.use = parseFloat(((100.0 * dataset.used) / item.size).toFixed(2));
      });
      cb(data);
    });
  }

  function parseDf(lines) {
    const data = [];
    // filesystem (first column) and mount point (last column) may contain spaces:
    // anchor parsing on the numeric columns in between (blocks, used, available, capacity)
    const dfWithType = /^(.+?)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(?:\d+%|-)\s+(.+)$/;
    const dfNoType = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(?:\d+%|-)\s+(.+)$/;
    const hasType = _linux || _freebsd || _openbsd || _netbsd;
    lines.forEach((line) => {
      if (line !== '') {
        const parts = line.trim().match(hasType ? dfWithType : dfNoType);
        if (parts && (parts[1].startsWith('/') || parts[hasType ? 6 : 5] === '/' || parts[1].indexOf('/') > 0 || parts[1].indexOf(':') === 1 || (!_darwin && !isLinuxTmpFs(parts[2])))) {
          const fs = parts[1];
          const fsType = hasType ? parts[2] : macOsFsType(parts[1]);
          const size = parseInt(parts[hasType ? 3 : 2], 10) * 1024;
          const used = parseInt(parts[hasType ? 4 : 3], 10) * 1024;
          const available = parseInt(parts[hasType ? 5 : 4], 10) * 1024;
          const use = parseFloat((100.0 * (used / (used + available))).toFixed(2));
          const rw = osMounts && Object.keys(osMounts).length > 0 ? osMounts[fs] || false : null;
          const mount = parts[hasType ? 6 : 5];
          if (!data.find((el) => el.fs === fs && el.type === fsType && el.mount === mount)) {
            data.push({
              fs,
              type: fsType,
              size,
              used,
              available,
              use,
              mount,
              rw
            });
          }
        }
      }
    });
    return data;
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      let data = [];
      if (_linux || _freebsd || _openbsd || _netbsd || _darwin) {
        let cmd = '';
        macOsDisks = [];
        osMounts = {};
        if (_darwin) {
          cmd = 'df -kP';
          try {
            macOsDisks = execSync('diskutil list')
              .toString()
              .split('\n')
              .filter((line) => {
                return !line.startsWith('/') && line.indexOf(':') > 0;
              });
            execSync('mount')
              .toString()
              .split('\n')
              .forEach((line) => {
                // mount output: "<fs> on <mountpoint> (<type>, <options>)"
                const fs = line.split(' ')[0];
                const type = line.match(/\(([^),]+)[^)]*\)$/);
                if (fs && type) {
                  macOsFsTypes.set(fs, type[1].trim().toLowerCase());
                }
                if (line.startsWith('/')) {
                  osMounts[fs] = line.toLowerCase().indexOf('read-only') === -1;
                }
              });
          } catch {
            util.noop();
          }
        }
        if (_linux) {
          try {
            cmd = 'export LC_ALL=C; df -kPTx squashfs; unset LC_ALL';
            execSync('cat /proc/mounts 2>/dev/null', util.execOptsLinux)
              .toString()
              .split('\n')
              .filter((line) => {
                return line.startsWith('/');
              })
              .forEach((line) => {
                // /proc/mounts escapes spaces as \040
                const fs = line.split(' ')[0].replace(/\\040/g, ' ');
                osMounts[fs] = osMounts[fs] || false;
                if (line.toLowerCase().indexOf('/snap/') === -1) {
                  osMounts[fs] = line.toLowerCase().indexOf('rw,') >= 0 || line.toLowerCase().indexOf(' rw ') >= 0;
                }
              });
          } catch {
            util.noop();
          }
        }
        if (_freebsd || _openbsd || _netbsd) {
          try {
            cmd = 'df -kPT';
            execSync('mount')
              .toString()
              .split('\n')
              .forEach((line) => {
                osMounts[line.split(' ')[0]] = line.toLowerCase().indexOf('read-only') === -1;
              });
          } catch {
            util.noop();
          }
        }
        exec(cmd, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
          const lines = filterLines(stdout);
          data = parseDf(lines);
          if (drive) {
            data = data.filter((item) => {
              // non-string drive input matches no drive (same as windows)
              return typeof drive === 'string' && (item.fs.toLowerCase().indexOf(drive.toLowerCase()) >= 0 || item.mount.toLowerCase().indexOf(drive.toLowerCase()) >= 0);
            });
          }
          if ((!error || data.length) && stdout.toString().trim() !== '') {
            applyZfsUsage(data, (data) => {
              if (callback) {
                callback(data);
              }
              resolve(data);
            });
          } else {
            exec('df -kPT 2>/dev/null', { maxBuffer: 1024 * 1024 }, (error, stdout) => {
              // fixed issue alpine fallback
              const lines = filterLines(stdout);
              data = parseDf(lines);
              applyZfsUsage(data, (data) => {
                if (callback) {
                  callback(data);
                }
                resolve(data);
              });
            });
          }
        });
      }
      if (_sunos) {
        if (callback) {
          callback(data);
        }
        resolve(data);
      }
      if (_windows) {
        try {
          // invalid drive input yields '' -> filter matches no drive instead of listing all
          const driveSanitized = util.sanitizeDriveLetter(drive);
          const cmd = `Get-WmiObject Win32_logicaldisk | select Access,Caption,FileSystem,FreeSpace,Size ${drive ? "| where -property Caption -eq '" + driveSanitized + "'" : ''} | fl`;
          util.powerShell(cmd).then((stdout, error) => {
            if (!error) {
              const devices = stdout.toString().split(/\n\s*\n/);
              devices.forEach((device) => {
                const lines = device.split('\r\n');
                const size = util.toInt(util.getValue(lines, 'size', ':'));
                const free = util.toInt(util.getValue(lines, 'freespace', ':'));
                const caption = util.getValue(lines, 'caption', ':');
                const rwValue = util.getValue(lines, 'access', ':');
                const rw = rwValue ? util.toInt(rwValue) !== 1 : null;
                if (size) {
                  data.push({
                    fs: caption,
                    type: util.getValue(lines, 'filesystem', ':'),
                    size,
                    used: size - free,
                    available: free,
                    use: parseFloat(((100.0 * (size - free)) / size).toFixed(2)),
                    mount: caption,
                    rw
                  });
                }
              });
            }
            if (callback) {
              callback(data);
            }
            resolve(data);
          });
        } catch {
          if (callback) {
            callback(data);
          }
          resolve(data);
        }
      }
    });
  });
}

exports.fsSize = fsSize;

// --------------------------
// FS - open files count

function fsOpenFiles(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = {
        max: null,
        allocated: null,
        available: null
      };
      if (_freebsd || _openbsd || _netbsd || _darwin) {
        const cmd = 'sysctl -i kern.maxfiles kern.num_files kern.open_files';
        exec(cmd, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().split('\n');
            result.max = parseInt(util.getValue(lines, 'kern.maxfiles', ':'), 10);
            result.allocated = parseInt(util.getValue(lines, 'kern.num_files', ':'), 10) || parseInt(util.getValue(lines, 'kern.open_files', ':'), 10);
            result.available = result.max - result.allocated;
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_linux) {
        fs.readFile('/proc/sys/fs/file-nr', (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().split('\n');
            if (lines[0]) {
              const parts = lines[0].replace(/\s+/g, ' ').split(' ');
              if (parts.length === 3) {
                result.allocated = parseInt(parts[0], 10);
                result.available = parseInt(parts[1], 10);
                result.max = parseInt(parts[2], 10);
                if (!result.available) {
                  result.available = result.max - result.allocated;
                }
              }
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          } else {
            fs.readFile('/proc/sys/fs/file-max', (error, stdout) => {
              if (!error) {
                const lines = stdout.toString().split('\n');
                if (lines[0]) {
                  result.max = parseInt(lines[0], 10);
                }
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          }
        });
      }
      if (_sunos) {
        if (callback) {
          callback(null);
        }
        resolve(null);
      }
      if (_windows) {
        if (callback) {
          callback(null);
        }
        resolve(null);
      }
    });
  });
}

exports.fsOpenFiles = fsOpenFiles;

// --------------------------
// disks

function parseBytes(s) {
  const start = s.indexOf(' (') + 2;
  const end = s.indexOf(' Bytes)');
  return parseInt(s.substr(start, end - start), 10);
}

function parseDevices(lines) {
  const devices = [];
  let i = 0;
  lines.forEach((line) => {
    if (line.length > 0) {
      if (line[0] === '*') {
        i++;
      } else {
        const parts = line.split(':');
        if (parts.length > 1) {
          if (!devices[i]) {
            devices[i] = {
              name: '',
              identifier: '',
              type: 'disk',
              fsType: '',
              mount: '',
              size: 0,
              physical: 'HDD',
              uuid: '',
              label: '',
              model: '',
              serial: '',
              removable: false,
              protocol: '',
              group: '',
              device: ''
            };
          }
          parts[0] = parts[0].trim().toUpperCase().replace(/ +/g, '');
          parts[1] = parts[1].trim();
          if ('DEVICEIDENTIFIER' === parts[0]) {
            devices[i].identifier = parts[1];
          }
          if ('DEVICENODE' === parts[0]) {
            devices[i].name = parts[1];
          }
          if ('VOLUMENAME' === parts[0]) {
            if (parts[1].indexOf('Not applicable') === -1) {
              devices[i].label = parts[1];
            }
          }
          if ('PROTOCOL' === parts[0]) {
            devices[i].protocol = parts[1];
          }
          if ('DISKSIZE' === parts[0]) {
            devices[i].size = parseBytes(parts[1]);
          }
          if ('FILESYSTEMPERSONALITY' === parts[0]) {
            devices[i].fsType = parts[1];
          }
          if ('MOUNTPOINT' === parts[0]) {
            devices[i].mount = parts[1];
          }
          if ('VOLUMEUUID' === parts[0]) {
            devices[i].uuid = parts[1];
          }
          if ('READ-ONLYMEDIA' === parts[0] && parts[1] === 'Yes') {
            devices[i].physical = 'CD/DVD';
          }
          if ('SOLIDSTATE' === parts[0] && parts[1] === 'Yes') {
            devices[i].physical = 'SSD';
          }
          if ('VIRTUAL' === parts[0]) {
            devices[i].type = 'virtual';
          }
          if ('REMOVABLEMEDIA' === parts[0]) {
            devices[i].removable = parts[1] === 'Removable';
          }
          if ('PARTITIONTYPE' === parts[0]) {
            devices[i].type = 'part';
          }
          if ('DEVICE/MEDIANAME' === parts[0]) {
            devices[i].model = parts[1];
          }
        }
      }
    }
  });
  return devices;
}

function parseBlk(lines) {
  let data = [];

  lines
    .filter((line) => line !== '')
    .forEach((line) => {
      try {
        line = decodeURIComponent(line.replace(/\\x/g, '%'));
        line = line.replace(/\\/g, '\\\\');
        const disk = JSON.parse(line);
        data.push({
          name: util.sanitizeShellString(disk.name),
          type: disk.type,
          fsType: disk.fsType,
          mount: disk.mountpoint,
          size: parseInt(disk.size, 10),
          physical: disk.type === 'disk' ? (disk.rota === '0' ? 'SSD' : 'HDD') : disk.type === 'rom' ? 'CD/DVD' : '',
          uuid: disk.uuid,
          label: disk.label,
          model: (disk.model || '').trim(),
          serial: disk.serial,
          removable: disk.rm === '1',
          protocol: disk.tran,
          group: disk.group || ''
        });
      } catch {
        util.noop();
      }
    });
  data = util.unique(data);
  data = util.sortByKey(data, ['type', 'name']);
  return data;
}

function decodeMdabmData(lines) {
  const raid = util.getValue(lines, 'md_level', '=');
  const label = util.getValue(lines, 'md_name', '='); // <- get label info
  const uuid = util.getValue(lines, 'md_uuid', '='); // <- get uuid info
  const members = [];
  lines.forEach((line) => {
    if (line.toLowerCase().startsWith('md_device_dev') && line.toLowerCase().indexOf('/dev/') > 0) {
      members.push(line.split('/dev/')[1]);
    }
  });
  return {
    raid,
    label,
    uuid,
    members
  };
}

function raidMatchLinux(data) {
  // for all block devices of type "raid%"
  let result = data;
  try {
    data.forEach((element) => {
      if (element.type.startsWith('raid')) {
        const lines = execSync(`mdadm --export --detail /dev/${util.sanitizeString(element.name, true)}`, util.execOptsLinux)
          .toString()
          .split('\n');
        const mdData = decodeMdabmData(lines);

        element.label = mdData.label; // <- assign label info
        element.uuid = mdData.uuid; // <- assign uuid info

        if (mdData && mdData.members && mdData.members.length && mdData.raid === element.type) {
          result = result.map((blockdevice) => {
            if (blockdevice.fsType === 'linux_raid_member' && mdData.members.indexOf(blockdevice.name) >= 0) {
              blockdevice.group = element.name;
            }
            return blockdevice;
          });
        }
      }
    });
  } catch {
    util.noop();
  }
  return result;
}

function getDevicesLinux(data) {
  const result = [];
  data.forEach((element) => {
    if (element.type.startsWith('disk')) {
      result.push(element.name);
    }
  });
  return result;
}

function matchDevicesLinux(data) {
  let result = data;
  try {
    const devices = getDevicesLinux(data);
    result = result.map((blockdevice) => {
      if (blockdevice.type.startsWith('part') || blockdevice.type.startsWith('disk')) {
        devices.forEach((element) => {
          if (blockdevice.name.startsWith(element)) {
            blockdevice.device = '/dev/' + element;
          }
        });
      }
      return blockdevice;
    });
  } catch {
    util.noop();
  }
  return result;
}

function getDevicesMac(data) {
  const result = [];
  data.forEach((element) => {
    if (element.type.startsWith('disk')) {
      result.push({ name: element.name, model: element.model, device: element.name });
    }
    if (element.type.startsWith('virtual')) {
      let device = '';
      result.forEach((e) => {
        if (e.model === element.model) {
          device = e.device;
        }
      });
      if (device) {
        result.push({ name: element.name, model: element.model, device });
      }
    }
  });
  return result;
}

function matchDevicesMac(data) {
  let result = data;
  try {
    const devices = getDevicesMac(data);
    result = result.map((blockdevice) => {
      if (blockdevice.type.startsWith('part') || blockdevice.type.startsWith('disk') || blockdevice.type.startsWith('virtual')) {
        devices.forEach((element) => {
          if (blockdevice.name.startsWith(element.name)) {
            blockdevice.device = element.device;
          }
        });
      }
      return blockdevice;
    });
  } catch {
    util.noop();
  }
  return result;
}

function getDevicesWin(diskDrives) {
  const result = [];
  diskDrives.forEach((element) => {
    const lines = element.split('\r\n');
    const device = util.getValue(lines, 'DeviceID', ':');
    let partitions = element.split('@{DeviceID=');
    if (partitions.length > 1) {
      partitions = partitions.slice(1);
      partitions.forEach((partition) => {
        result.push({ name: partition.split(';')[0].toUpperCase(), device });
      });
    }
  });
  return result;
}

function matchDevicesWin(data, diskDrives) {
  const devices = getDevicesWin(diskDrives);
  data.map((element) => {
    const filteresDevices = devices.filter((e) => {
      return e.name === element.name.toUpperCase();
    });
    if (filteresDevices.length > 0) {
      element.device = filteresDevices[0].device;
    }
    return element;
  });
  return data;
}

function blkStdoutToObject(stdout) {
  return stdout
    .toString()
    .replace(/NAME=/g, '{"name":')
    .replace(/FSTYPE=/g, ',"fsType":')
    .replace(/TYPE=/g, ',"type":')
    .replace(/SIZE=/g, ',"size":')
    .replace(/MOUNTPOINT=/g, ',"mountpoint":')
    .replace(/UUID=/g, ',"uuid":')
    .replace(/ROTA=/g, ',"rota":')
    .replace(/RO=/g, ',"ro":')
    .replace(/RM=/g, ',"rm":')
    .replace(/TRAN=/g, ',"tran":')
    .replace(/SERIAL=/g, ',"serial":')
    .replace(/LABEL=/g, ',"label":')
    .replace(/MODEL=/g, ',"model":')
    .replace(/OWNER=/g, ',"owner":')
    .replace(/GROUP=/g, ',"group":')
    .replace(/\n/g, '}\n');
}

function blockDevices(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let data = [];
      if (_linux) {
        // see https://wiki.ubuntuusers.de/lsblk/
        // exec("lsblk -bo NAME,TYPE,SIZE,FSTYPE,MOUNTPOINT,UUID,ROTA,RO,TRAN,SERIAL,LABEL,MODEL,OWNER,GROUP,MODE,ALIGNMENT,MIN-IO,OPT-IO,PHY-SEC,LOG-SEC,SCHED,RQ-SIZE,RA,WSAME", function (error, stdout) {
        const procLsblk1 = exec('lsblk -bPo NAME,TYPE,SIZE,FSTYPE,MOUNTPOINT,UUID,ROTA,RO,RM,TRAN,SERIAL,LABEL,MODEL,OWNER 2>/dev/null', { maxBuffer: 1024 * 1024 }, (error, stdout) => {
          if (!error) {
            const lines = blkStdoutToObject(stdout).split('\n');
            data = parseBlk(lines);
            data = raidMatchLinux(data);
            data = matchDevicesLinux(data);
            if (callback) {
              callback(data);
            }
            resolve(data);
          } else {
            const procLsblk2 = exec('lsblk -bPo NAME,TYPE,SIZE,FSTYPE,MOUNTPOINT,UUID,ROTA,RO,RM,LABEL,MODEL,OWNER 2>/dev/null', { maxBuffer: 1024 * 1024 }, (error, stdout) => {
              if (!error) {
                const lines = blkStdoutToObject(stdout).split('\n');
                data = parseBlk(lines);
                data = raidMatchLinux(data);
              }
              if (callback) {
                callback(data);
              }
              resolve(data);
            });
            procLsblk2.on('error', () => {
              if (callback) {
                callback(data);
              }
              resolve(data);
            });
          }
        });
        procLsblk1.on('error', () => {
          if (callback) {
            callback(data);
          }
          resolve(data);
        });
      }
      if (_darwin) {
        const procDskutil = exec('diskutil info -all', { maxBuffer: 1024 * 1024 }, (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().split('\n');
            // parse lines into temp array of devices
            data = parseDevices(lines);
            data = matchDevicesMac(data);
          }
          if (callback) {
            callback(data);
          }
          resolve(data);
        });
        procDskutil.on('error', () => {
          if (callback) {
            callback(data);
          }
          resolve(data);
        });
      }
      if (_sunos) {
        if (callback) {
          callback(data);
        }
        resolve(data);
      }
      if (_windows) {
        const drivetypes = ['Unknown', 'NoRoot', 'Removable', 'Local', 'Network', 'CD/DVD', 'RAM'];
        try {
          const workload = [];
          workload.push(util.powerShell('Get-CimInstance -ClassName Win32_LogicalDisk | select Caption,DriveType,Name,FileSystem,Size,VolumeSerialNumber,VolumeName | fl'));
          workload.push(
            util.powerShell(
              "Get-WmiObject -Class Win32_diskdrive | Select-Object -Property PNPDeviceId,DeviceID, Model, Size, @{L='Partitions'; E={$_.GetRelated('Win32_DiskPartition').GetRelated('Win32_LogicalDisk') | Select-Object -Property DeviceID, VolumeName, Size, FreeSpace}} | fl"
            )
          );
          util.promiseAll(workload).then((res) => {
            const logicalDisks = res.results[0].toString().split(/\n\s*\n/);
            const diskDrives = res.results[1].toString().split(/\n\s*\n/);
            logicalDisks.forEach((device) => {
              const lines = device.split('\r\n');
              const drivetype = util.getValue(lines, 'drivetype', ':');
              if (drivetype) {
                data.push({
                  name: util.getValue(lines, 'name', ':'),
                  identifier: util.getValue(lines, 'caption', ':'),
                  type: 'disk',
                  fsType: util.getValue(lines, 'filesystem', ':').toLowerCase(),
                  mount: util.getValue(lines, 'caption', ':'),
                  size: util.getValue(lines, 'size', ':'),
                  physical: drivetype >= 0 && drivetype <= 6 ? drivetypes[drivetype] : drivetypes[0],
                  uuid: util.getValue(lines, 'volumeserialnumber', ':'),
                  label: util.getValue(lines, 'volumename', ':'),
                  model: '',
                  serial: util.getValue(lines, 'volumeserialnumber', ':'),
                  removable: drivetype === '2',
                  protocol: '',
                  group: '',
                  device: ''
                });
              }
            });
            // match devices
            data = matchDevicesWin(data, diskDrives);
            if (callback) {
              callback(data);
            }
            resolve(data);
          });
        } catch {
          if (callback) {
            callback(data);
          }
          resolve(data);
        }
      }
      if (_freebsd || _openbsd || _netbsd) {
        // will follow
        if (callback) {
          callback(null);
        }
        resolve(null);
      }
    });
  });
}

exports.blockDevices = blockDevices;

// --------------------------
// FS - speed

function calcFsSpeed(rx, wx) {
  const result = {
    rx: 0,
    wx: 0,
    tx: 0,
    rx_sec: null,
    wx_sec: null,
    tx_sec: null,
    ms: 0
  };

  if (_fs_speed && _fs_speed.ms) {
    result.rx = rx;
    result.wx = wx;
    result.tx = result.rx + result.wx;
    result.ms = Date.now() - _fs_speed.ms;
    result.rx_sec = (result.rx - _fs_speed.bytes_read) / (result.ms / 1000);
    result.wx_sec = (result.wx - _fs_speed.bytes_write) / (result.ms / 1000);
    result.tx_sec = result.rx_sec + result.wx_sec;
    _fs_speed.rx_sec = result.rx_sec;
    _fs_speed.wx_sec = result.wx_sec;
    _fs_speed.tx_sec = result.tx_sec;
    _fs_speed.bytes_read = result.rx;
    _fs_speed.bytes_write = result.wx;
    _fs_speed.bytes_overall = result.rx + result.wx;
    _fs_speed.ms = Date.now();
    _fs_speed.last_ms = result.ms;
  } else {
    result.rx = rx;
    result.wx = wx;
    result.tx = result.rx + result.wx;
    _fs_speed.rx_sec = null;
    _fs_speed.wx_sec = null;
    _fs_speed.tx_sec = null;
    _fs_speed.bytes_read = result.rx;
    _fs_speed.bytes_write = result.wx;
    _fs_speed.bytes_overall = result.rx + result.wx;
    _fs_speed.ms = Date.now();
    _fs_speed.last_ms = 0;
  }
  return result;
}

function fsStats(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (_windows || _freebsd || _openbsd || _netbsd || _sunos) {
        return resolve(null);
      }

      let result = {
        rx: 0,
        wx: 0,
        tx: 0,
        rx_sec: null,
        wx_sec: null,
        tx_sec: null,
        ms: 0
      };

      let rx = 0;
      let wx = 0;
      if ((_fs_speed && !_fs_speed.ms) || (_fs_speed && _fs_speed.ms && Date.now() - _fs_speed.ms >= 500)) {
        if (_linux) {
          // exec("df -k | grep /dev/", function(error, stdout) {
          const procLsblk = exec('lsblk -rno KNAME,FSTYPE,MOUNTPOINT 2>/dev/null | grep -E "/| zfs_member( |$)" | grep -vE "^zd[0-9]+"', { maxBuffer: 1024 * 1024 }, (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');
              const fs_filter = [];
              lines.forEach((line) => {
                if (line !== '') {
                  line = line.trim().split(' ');
                  const dev = util.sanitizeShellString(line[0], true);
                  if (dev && fs_filter.indexOf(dev) === -1) {
                    fs_filter.push(dev);
                  }
                }
              });

              const procCat = exec('cat /proc/diskstats', { maxBuffer: 1024 * 1024 }, (error, stdout) => {
                if (!error) {
                  const lines = stdout.toString().split('\n');
                  lines.forEach((line) => {
                    line = line.trim();
                    if (line !== '') {
                      line = line.replace(/ +/g, ' ').split(' ');
                      // exact device name match (column 3)
                      if (fs_filter.indexOf(line[2]) === -1) {
                        return;
                      }
                      rx += parseInt(line[5], 10) * 512;
                      wx += parseInt(line[9], 10) * 512;
                    }
                  });
                  result = calcFsSpeed(rx, wx);
                }
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
              procCat.on('error', () => {
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
          procLsblk.on('error', () => {
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        }
        if (_darwin) {
          const procIoreg = exec(
            'ioreg -c IOBlockStorageDriver -k Statistics -r -w0 | sed -n "/IOBlockStorageDriver/,/Statistics/p" | grep "Statistics" | tr -cd "01234567890,\n"',
            { maxBuffer: 1024 * 1024 },
            (error, stdout) => {
              if (!error) {
                const lines = stdout.toString().split('\n');
                lines.forEach((line) => {
                  line = line.trim();
                  if (line !== '') {
                    line = line.split(',');

                    rx += parseInt(line[2], 10);
                    wx += parseInt(line[9], 10);
                  }
                });
                result = calcFsSpeed(rx, wx);
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          );
          procIoreg.on('error', () => {
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        }
      } else {
        result.ms = _fs_speed.last_ms;
        result.rx = _fs_speed.bytes_read;
        result.wx = _fs_speed.bytes_write;
        result.tx = _fs_speed.bytes_read + _fs_speed.bytes_write;
        result.rx_sec = _fs_speed.rx_sec;
        result.wx_sec = _fs_speed.wx_sec;
        result.tx_sec = _fs_speed.tx_sec;
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.fsStats = fsStats;

function calcDiskIO(rIO, wIO, rWaitTime, wWaitTime, tWaitTime) {
  const result = {
    rIO: 0,
    wIO: 0,
    tIO: 0,
    rIO_sec: null,
    wIO_sec: null,
    tIO_sec: null,
    rWaitTime: 0,
    wWaitTime: 0,
    tWaitTime: 0,
    rWaitPercent: null,
    wWaitPercent: null,
    tWaitPercent: null,
    ms: 0
  };
  if (_disk_io && _disk_io.ms) {
    result.rIO = rIO;
    result.wIO = wIO;
    result.tIO = rIO + wIO;
    result.ms = Date.now() - _disk_io.ms;
    result.rIO_sec = (result.rIO - _disk_io.rIO) / (result.ms / 1000);
    result.wIO_sec = (result.wIO - _disk_io.wIO) / (result.ms / 1000);
    result.tIO_sec = result.rIO_sec + result.wIO_sec;
    result.rWaitTime = rWaitTime;
    result.wWaitTime = wWaitTime;
    result.tWaitTime = tWaitTime;
    result.rWaitPercent = ((result.rWaitTime - _disk_io.rWaitTime) * 100) / result.ms;
    result.wWaitPercent = ((result.wWaitTime - _disk_io.wWaitTime) * 100) / result.ms;
    result.tWaitPercent = ((result.tWaitTime - _disk_io.tWaitTime) * 100) / result.ms;
    _disk_io.rIO = rIO;
    _disk_io.wIO = wIO;
    _disk_io.rIO_sec = result.rIO_sec;
    _disk_io.wIO_sec = result.wIO_sec;
    _disk_io.tIO_sec = result.tIO_sec;
    _disk_io.rWaitTime = rWaitTime;
    _disk_io.wWaitTime = wWaitTime;
    _disk_io.tWaitTime = tWaitTime;
    _disk_io.rWaitPercent = result.rWaitPercent;
    _disk_io.wWaitPercent = result.wWaitPercent;
    _disk_io.tWaitPercent = result.tWaitPercent;
    _disk_io.last_ms = result.ms;
    _disk_io.ms = Date.now();
  } else {
    result.rIO = rIO;
    result.wIO = wIO;
    result.tIO = rIO + wIO;
    result.rWaitTime = rWaitTime;
    result.wWaitTime = wWaitTime;
    result.tWaitTime = tWaitTime;
    _disk_io.rIO = rIO;
    _disk_io.wIO = wIO;
    _disk_io.rIO_sec = null;
    _disk_io.wIO_sec = null;
    _disk_io.tIO_sec = null;
    _disk_io.rWaitTime = rWaitTime;
    _disk_io.wWaitTime = wWaitTime;
    _disk_io.tWaitTime = tWaitTime;
    _disk_io.rWaitPercent = null;
    _disk_io.wWaitPercent = null;
    _disk_io.tWaitPercent = null;
    _disk_io.last_ms = 0;
    _disk_io.ms = Date.now();
  }
  return result;
}

function disksIO(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (_windows) {
        return resolve(null);
      }
      if (_sunos) {
        return resolve(null);
      }

      let result = {
        rIO: 0,
        wIO: 0,
        tIO: 0,
        rIO_sec: null,
        wIO_sec: null,
        tIO_sec: null,
        rWaitTime: 0,
        wWaitTime: 0,
        tWaitTime: 0,
        rWaitPercent: null,
        wWaitPercent: null,
        tWaitPercent: null,
        ms: 0
      };
      let rIO = 0;
      let wIO = 0;
      let rWaitTime = 0;
      let wWaitTime = 0;
      let tWaitTime = 0;

      if ((_disk_io && !_disk_io.ms) || (_disk_io && _disk_io.ms && Date.now() - _disk_io.ms >= 500)) {
        if (_linux || _freebsd || _openbsd || _netbsd) {
          // prints Block layer statistics for all mounted volumes
          // var cmd = "for mount in `lsblk | grep / | sed -r 's/│ └─//' | cut -d ' ' -f 1`; do cat /sys/block/$mount/stat | sed -r 's/ +/;/g' | sed -r 's/^;//'; done";
          // var cmd = "for mount in `lsblk | grep / | sed 's/[│└─├]//g' | awk '{$1=$1};1' | cut -d ' ' -f 1 | sort -u`; do cat /sys/block/$mount/stat | sed -r 's/ +/;/g' | sed -r 's/^;//'; done";
          const cmd =
            'for mount in `lsblk 2>/dev/null | grep " disk " | sed "s/[│└─├]//g" | awk \'{$1=$1};1\' | grep -vE "^(zd|nbd|fd|zram)[0-9]+ " | cut -d " " -f 1 | sort -u`; do cat /sys/block/$mount/stat | sed -r "s/ +/;/g" | sed -r "s/^;//"; done';

          exec(cmd, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
            if (!error) {
              const lines = stdout.split('\n');
              lines.forEach((line) => {
                // ignore empty lines
                if (!line) {
                  return;
                }

                // sum r/wIO of all disks to compute all disks IO
                const stats = line.split(';');
                rIO += parseInt(stats[0], 10);
                wIO += parseInt(stats[4], 10);
                rWaitTime += parseInt(stats[3], 10);
                wWaitTime += parseInt(stats[7], 10);
                tWaitTime += parseInt(stats[10], 10);
              });
              result = calcDiskIO(rIO, wIO, rWaitTime, wWaitTime, tWaitTime);

              if (callback) {
                callback(result);
              }
              resolve(result);
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        }
        if (_darwin) {
          exec(
            'ioreg -c IOBlockStorageDriver -k Statistics -r -w0 | sed -n "/IOBlockStorageDriver/,/Statistics/p" | grep "Statistics" | tr -cd "01234567890,\n"',
            { maxBuffer: 1024 * 1024 },
            (error, stdout) => {
              if (!error) {
                const lines = stdout.toString().split('\n');
                lines.forEach((line) => {
                  line = line.trim();
                  if (line !== '') {
                    line = line.split(',');

                    rIO += parseInt(line[10], 10);
                    wIO += parseInt(line[0], 10);
                  }
                });
                result = calcDiskIO(rIO, wIO, rWaitTime, wWaitTime, tWaitTime);
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          );
        }
      } else {
        result.rIO = _disk_io.rIO;
        result.wIO = _disk_io.wIO;
        result.tIO = _disk_io.rIO + _disk_io.wIO;
        result.ms = _disk_io.last_ms;
        result.rIO_sec = _disk_io.rIO_sec;
        result.wIO_sec = _disk_io.wIO_sec;
        result.tIO_sec = _disk_io.tIO_sec;
        result.rWaitTime = _disk_io.rWaitTime;
        result.wWaitTime = _disk_io.wWaitTime;
        result.tWaitTime = _disk_io.tWaitTime;
        result.rWaitPercent = _disk_io.rWaitPercent;
        result.wWaitPercent = _disk_io.wWaitPercent;
        result.tWaitPercent = _disk_io.tWaitPercent;
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.disksIO = disksIO;

function diskLayout(callback) {
  callback = util.isFunction(callback) ? callback : null;
  function getVendorFromModel(model) {
    const diskManufacturers = [
      { pattern: 'WESTERN.*', manufacturer: 'Western Digital' },
      { pattern: '^WDC.*', manufacturer: 'Western Digital' },
      { pattern: 'WD.*', manufacturer: 'Western Digital' },
      { pattern: 'TOSHIBA.*', manufacturer: 'Toshiba' },
      { pattern: 'HITACHI.*', manufacturer: 'Hitachi' },
      { pattern: '^IC.*', manufacturer: 'Hitachi' },
      { pattern: '^HTS.*', manufacturer: 'Hitachi' },
      { pattern: 'SANDISK.*', manufacturer: 'SanDisk' },
      { pattern: 'KINGSTON.*', manufacturer: 'Kingston Technology' },
      { pattern: '^SONY.*', manufacturer: 'Sony' },
      { pattern: 'TRANSCEND.*', manufacturer: 'Transcend' },
      { pattern: 'SAMSUNG.*', manufacturer: 'Samsung' },
      { pattern: '^ST(?!I\\ ).*', manufacturer: 'Seagate' },
      { pattern: '^STI\\ .*', manufacturer: 'SimpleTech' },
      { pattern: '^D...-.*', manufacturer: 'IBM' },
      { pattern: '^IBM.*', manufacturer: 'IBM' },
      { pattern: '^FUJITSU.*', manufacturer: 'Fujitsu' },
      { pattern: '^MP.*', manufacturer: 'Fujitsu' },
      { pattern: '^MK.*', manufacturer: 'Toshiba' },
      { pattern: 'MAXTO.*', manufacturer: 'Maxtor' },
      { pattern: 'PIONEER.*', manufacturer: 'Pioneer' },
      { pattern: 'PHILIPS.*', manufacturer: 'Philips' },
      { pattern: 'QUANTUM.*', manufacturer: 'Quantum Technology' },
      { pattern: 'FIREBALL.*', manufacturer: 'Quantum Technology' },
      { pattern: '^VBOX.*', manufacturer: 'VirtualBox' },
      { pattern: 'CORSAIR.*', manufacturer: 'Corsair Components' },
      { pattern: 'CRUCIAL.*', manufacturer: 'Crucial' },
      { pattern: 'ECM.*', manufacturer: 'ECM' },
      { pattern: 'INTEL.*', manufacturer: 'INTEL' },
      { pattern: 'EVO.*', manufacturer: 'Samsung' },
      { pattern: 'APPLE.*', manufacturer: 'Apple' }
    ];

    let result = '';
    if (model) {
      model = model.toUpperCase();
      diskManufacturers.forEach((manufacturer) => {
        const re = RegExp(manufacturer.pattern);
        if (re.test(model)) {
          result = manufacturer.manufacturer;
        }
      });
    }
    return result;
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      const commitResult = (res) => {
        for (let i = 0; i < res.length; i++) {
          delete res[i].BSDName;
        }
        if (callback) {
          callback(res);
        }
        resolve(res);
      };

      const result = [];
      let cmd = '';

      if (_linux) {
        let cmdFullSmart = '';

        exec('export LC_ALL=C; lsblk -ablJO 2>/dev/null; unset LC_ALL', { maxBuffer: 1024 * 1024 }, (error, stdout) => {
          if (!error) {
            try {
              const out = stdout.toString().trim();
              let devices = [];
              try {
                const outJSON = JSON.parse(out);
                if (outJSON && {}.hasOwnProperty.call(outJSON, 'blockdevices')) {
                  devices = outJSON.blockdevices.filter((item) => {
                    return (
                      item.type === 'disk' &&
                      item.size > 0 &&
                      (item.model !== null ||
                        (item.mountpoint === null &&
                          item.label === null &&
                          item.fstype === null &&
                          item.parttype === null &&
                          item.path &&
                          item.path.indexOf('/ram') !== 0 &&
                          item.path.indexOf('/loop') !== 0 &&
                          item['disc-max'] &&
                          item['disc-max'] !== 0))
                    );
                  });
                }
              } catch {
                // fallback to older version of lsblk
                try {
                  const out2 = execSync(
                    'export LC_ALL=C; lsblk -bPo NAME,TYPE,SIZE,FSTYPE,MOUNTPOINT,UUID,ROTA,RO,RM,LABEL,MODEL,OWNER,GROUP 2>/dev/null; unset LC_ALL',
                    util.execOptsLinux
                  ).toString();
                  const lines = blkStdoutToObject(out2).split('\n');
                  const data = parseBlk(lines);
                  devices = data.filter((item) => {
                    return item.type === 'disk' && item.size > 0 && ((item.model !== null && item.model !== '') || (item.mount === '' && item.label === '' && item.fsType === ''));
                  });
                } catch {
                  util.noop();
                }
              }
              devices.forEach((device) => {
                let mediumType = '';
                const logical = util.sanitizeShellString(device.name, true);
                const BSDName = '/dev/' + logical;
                try {
                  mediumType = execSync('cat /sys/block/' + logical + '/queue/rotational 2>/dev/null', util.execOptsLinux)
                    .toString()
                    .split('\n')[0];
                } catch {
                  util.noop();
                }
                let interfaceType = device.tran ? device.tran.toUpperCase().trim() : '';
                if (interfaceType === 'NVME') {
                  mediumType = '2';
                  interfaceType = 'PCIe';
                }
                result.push({
                  device: BSDName,
                  type:
                    mediumType === '0'
                      ? 'SSD'
                      : mediumType === '1'
                        ? 'HD'
                        : mediumType === '2'
                          ? 'NVMe'
                          : device.model && device.model.indexOf('SSD') > -1
                            ? 'SSD'
                            : device.model && device.model.indexOf('NVM') > -1
                              ? 'NVMe'
                              : 'HD',
                  name: device.model || '',
                  vendor: getVendorFromModel(device.model) || (device.vendor ? device.vendor.trim() : ''),
                  size: device.size || 0,
                  bytesPerSector: null,
                  totalCylinders: null,
                  totalHeads: null,
                  totalSectors: null,
                  totalTracks: null,
                  tracksPerCylinder: null,
                  sectorsPerTrack: null,
                  firmwareRevision: device.rev ? device.rev.trim() : '',
                  serialNum: device.serial ? device.serial.trim() : '',
                  interfaceType: interfaceType,
                  smartStatus: 'unknown',
                  temperature: null,
                  BSDName: BSDName
                });
                cmd += `printf "\n${BSDName}|"; smartctl -H ${BSDName} | grep overall;`;
                cmdFullSmart += `${cmdFullSmart ? 'printf ",";' : ''}smartctl -a -j ${BSDName};`;
              });
            } catch {
              util.noop();
            }
          }
          // check S.M.A.R.T. status
          if (cmdFullSmart) {
            exec(cmdFullSmart, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
              try {
                const data = JSON.parse(`[${stdout}]`);
                data.forEach((disk) => {
                  const diskBSDName = disk.smartctl.argv[disk.smartctl.argv.length - 1];

                  for (let i = 0; i < result.length; i++) {
                    if (result[i].BSDName === diskBSDName) {
                      result[i].smartStatus = disk.smart_status.passed ? 'Ok' : disk.smart_status.passed === false ? 'Predicted Failure' : 'unknown';
                      if (disk.temperature && disk.temperature.current) {
                        result[i].temperature = disk.temperature.current;
                      }
                      result[i].smartData = disk;
                    }
                  }
                });
                commitResult(result);
              } catch {
                if (cmd) {
                  cmd = cmd + 'printf "\n"';
                  exec(cmd, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
                    const lines = stdout.toString().split('\n');
                    lines.forEach((line) => {
                      if (line) {
                        const parts = line.split('|');
                        if (parts.length === 2) {
                          const BSDName = parts[0];
                          parts[1] = parts[1].trim();
                          const parts2 = parts[1].split(':');
                          if (parts2.length === 2) {
                            parts2[1] = parts2[1].trim();
                            const status = parts2[1].toLowerCase();
                            for (let i = 0; i < result.length; i++) {
                              if (result[i].BSDName === BSDName) {
                                result[i].smartStatus = status === 'passed' ? 'Ok' : status === 'failed!' ? 'Predicted Failure' : 'unknown';
                              }
                            }
                          }
                        }
                      }
                    });
                    commitResult(result);
                  });
                } else {
                  commitResult(result);
                }
              }
            });
          } else {
            commitResult(result);
          }
        });
      }
      if (_freebsd || _openbsd || _netbsd) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_darwin) {
        let cmdFullSmart = '';
        exec(`system_profiler SPSerialATADataType SPNVMeDataType SPUSBDataType SPUSBHostDataType SPStorageDataType`, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
          if (!error) {
            // split by type:
            const lines = stdout.toString().split('\n');
            const linesSATA = [];
            const linesNVMe = [];
            const linesStorage = [];
            const linesUSB = [];
            let dataType = 'SATA';
            lines.forEach((line) => {
              if (line === 'NVMExpress:') {
                dataType = 'NVMe';
              } else if (line === 'Storage:') {
                dataType = 'Storage';
              } else if (line === 'USB:') {
                dataType = 'USB';
              } else if (line === 'SATA/SATA Express:') {
                dataType = 'SATA';
              } else if (dataType === 'SATA') {
                linesSATA.push(line);
              } else if (dataType === 'NVMe') {
                linesNVMe.push(line);
              } else if (dataType === 'Storage') {
                linesStorage.push(line);
              } else if (dataType === 'USB') {
                linesUSB.push(line);
              }
            });
            try {
              // Serial ATA Drives
              const devices = linesSATA.join('\n').split(' Physical Interconnect: ');
              devices.shift();
              devices.forEach((device) => {
                device = 'InterfaceType: ' + device;
                const lines = device.split('\n');
                const mediumType = util.getValue(lines, 'Medium Type', ':', true).trim();
                const sizeStr = util.getValue(lines, 'capacity', ':', true).trim();
                const BSDName = util.sanitizeShellString(util.getValue(lines, 'BSD Name', ':', true).trim(), true);
                if (sizeStr) {
                  let sizeValue = 0;
                  if (sizeStr.indexOf('(') >= 0) {
                    sizeValue = parseInt(
                      sizeStr
                        .match(/\(([^)]+)\)/)[1]
                        .replace(/\./g, '')
                        .replace(/,/g, '')
                        .replace(/\s/g, ''),
                      10
                    );
                  }
                  if (!sizeValue) {
                    sizeValue = parseInt(sizeStr, 10);
                  }
                  if (sizeValue) {
                    const smartStatusString = util.getValue(lines, 'S.M.A.R.T. status', ':', true).trim().toLowerCase();
                    result.push({
                      device: BSDName,
                      type: mediumType.startsWith('Solid') ? 'SSD' : 'HD',
                      name: util.getValue(lines, 'Model', ':', true).trim(),
                      vendor: getVendorFromModel(util.getValue(lines, 'Model', ':', true).trim()) || util.getValue(lines, 'Manufacturer', ':', true),
                      size: sizeValue,
                      bytesPerSector: null,
                      totalCylinders: null,
                      totalHeads: null,
                      totalSectors: null,
                      totalTracks: null,
                      tracksPerCylinder: null,
                      sectorsPerTrack: null,
                      firmwareRevision: util.getValue(lines, 'Revision', ':', true).trim(),
                      serialNum: util.getValue(lines, 'Serial Number', ':', true).trim(),
                      interfaceType: util.getValue(lines, 'InterfaceType', ':', true).trim(),
                      smartStatus: smartStatusString === 'verified' ? 'OK' : smartStatusString || 'unknown',
                      temperature: null,
                      BSDName: BSDName
                    });
                    cmd = cmd + 'printf "\n' + BSDName + '|"; diskutil info /dev/' + BSDName + ' | grep SMART;';
                    cmdFullSmart += `${cmdFullSmart ? 'printf ",";' : ''}smartctl -a -j ${BSDName};`;
                  }
                }
              });
            } catch {
              util.noop();
            }

            // NVME Drives
            try {
              const devices = linesNVMe.join('\n').split('\n\n          Capacity:');
              devices.shift();
              devices.forEach((device) => {
                device = `!Capacity: ${device}`;
                const lines = device.split('\n');
                const linkWidth = util.getValue(lines, 'link width', ':', true).trim();
                const sizeStr = util.getValue(lines, '!capacity', ':', true).trim();
                const BSDName = util.sanitizeShellString(util.getValue(lines, 'BSD Name', ':', true).trim(), true);
                if (sizeStr) {
                  let sizeValue = 0;
                  if (sizeStr.indexOf('(') >= 0) {
                    sizeValue = parseInt(
                      sizeStr
                        .match(/\(([^)]+)\)/)[1]
                        .replace(/\./g, '')
                        .replace(/,/g, '')
                        .replace(/\s/g, ''),
                      10
                    );
                  }
                  if (!sizeValue) {
                    sizeValue = parseInt(sizeStr, 10);
                  }
                  if (sizeValue) {
                    const smartStatusString = util.getValue(lines, 'S.M.A.R.T. status', ':', true).trim().toLowerCase();
                    result.push({
                      device: BSDName,
                      type: 'NVMe',
                      name: util.getValue(lines, 'Model', ':', true).trim(),
                      vendor: getVendorFromModel(util.getValue(lines, 'Model', ':', true).trim()),
                      size: sizeValue,
                      bytesPerSector: null,
                      totalCylinders: null,
                      totalHeads: null,
                      totalSectors: null,
                      totalTracks: null,
                      tracksPerCylinder: null,
                      sectorsPerTrack: null,
                      firmwareRevision: util.getValue(lines, 'Revision', ':', true).trim(),
                      serialNum: util.getValue(lines, 'Serial Number', ':', true).trim(),
                      interfaceType: ('PCIe ' + linkWidth).trim(),
                      smartStatus: smartStatusString === 'verified' ? 'OK' : smartStatusString || 'unknown',
                      temperature: null,
                      BSDName: BSDName
                    });
                    cmd = `${cmd}printf "\n${BSDName}|"; diskutil info /dev/${BSDName} | grep SMART;`;
                    cmdFullSmart += `${cmdFullSmart ? 'printf ",";' : ''}smartctl -a -j ${BSDName};`;
                  }
                }
              });
            } catch {
              util.noop();
            }
            // USB Drives (SPUSBDataType up to macOS 26, SPUSBHostDataType from macOS 27 on)
            try {
              const devices = linesUSB
                .join('\n')
                .replace(/Media:\n /g, 'Model:')
                .split('\n\n          Product ID:');
              devices.shift();
              devices.forEach((device) => {
                const lines = device.split('\n');
                const sizeStr = util.getValue(lines, 'Capacity', ':', true).trim();
                const BSDName = util.sanitizeShellString(util.getValue(lines, 'BSD Name', ':', true).trim(), true);
                if (sizeStr) {
                  let sizeValue = 0;
                  if (sizeStr.indexOf('(') >= 0) {
                    sizeValue = parseInt(
                      sizeStr
                        .match(/\(([^)]+)\)/)[1]
                        .replace(/\./g, '')
                        .replace(/,/g, '')
                        .replace(/\s/g, ''),
                      10
                    );
                  }
                  if (!sizeValue) {
                    sizeValue = parseInt(sizeStr, 10);
                  }
                  if (sizeValue) {
                    const smartStatusString = util.getValue(lines, 'S.M.A.R.T. status', ':', true).trim().toLowerCase();
                    result.push({
                      device: BSDName,
                      type: 'USB',
                      name: util.getValue(lines, 'Model', ':', true).trim().replace(/:/g, ''),
                      vendor: getVendorFromModel(util.getValue(lines, 'Model', ':', true).trim()),
                      size: sizeValue,
                      bytesPerSector: null,
                      totalCylinders: null,
                      totalHeads: null,
                      totalSectors: null,
                      totalTracks: null,
                      tracksPerCylinder: null,
                      sectorsPerTrack: null,
                      firmwareRevision: util.getValue(lines, 'Revision', ':', true).trim(),
                      serialNum: util.getValue(lines, 'Serial Number', ':', true).trim(),
                      interfaceType: 'USB',
                      smartStatus: smartStatusString === 'verified' ? 'OK' : smartStatusString || 'unknown',
                      temperature: null,
                      BSDName: BSDName
                    });
                    cmd = cmd + 'printf "\n' + BSDName + '|"; diskutil info /dev/' + BSDName + ' | grep SMART;';
                    cmdFullSmart += `${cmdFullSmart ? 'printf ",";' : ''}smartctl -a -j ${BSDName};`;
                  }
                }
              });
            } catch {
              util.noop();
            }
            // External drives (USB, Thunderbolt, ...) via SPStorageDataType
            // only add drives not already reported by the SATA/NVMe/USB data types above
            try {
              const seen = {};
              result.forEach((d) => {
                const m = (d.BSDName || '').match(/disk\d+/);
                if (m) {
                  seen[m[0]] = true;
                }
              });
              const devices = linesStorage.join('\n').split('      Free:');
              devices.shift();
              devices.forEach((device) => {
                const lines = device.split('\n');
                const internal = util.getValue(lines, 'Internal', ':', true).trim().toLowerCase();
                if (internal !== 'no') {
                  return;
                }
                const bsdMatch = util
                  .getValue(lines, 'BSD Name', ':', true)
                  .trim()
                  .match(/disk\d+/);
                const BSDName = bsdMatch ? bsdMatch[0] : '';
                if (!BSDName || seen[BSDName]) {
                  return;
                }
                const sizeStr = util.getValue(lines, 'Capacity', ':', true).trim();
                if (sizeStr) {
                  let sizeValue = 0;
                  if (sizeStr.indexOf('(') >= 0) {
                    sizeValue = parseInt(
                      sizeStr
                        .match(/\(([^)]+)\)/)[1]
                        .replace(/\./g, '')
                        .replace(/,/g, '')
                        .replace(/\s/g, ''),
                      10
                    );
                  }
                  if (!sizeValue) {
                    sizeValue = parseInt(sizeStr, 10);
                  }
                  if (sizeValue) {
                    seen[BSDName] = true;
                    const protocol = util.getValue(lines, 'Protocol', ':', true).trim();
                    const model = util.getValue(lines, 'Device Name', ':', true).trim();
                    result.push({
                      device: BSDName,
                      type: protocol && protocol !== 'USB' ? protocol : 'USB',
                      name: model,
                      vendor: getVendorFromModel(model),
                      size: sizeValue,
                      bytesPerSector: null,
                      totalCylinders: null,
                      totalHeads: null,
                      totalSectors: null,
                      totalTracks: null,
                      tracksPerCylinder: null,
                      sectorsPerTrack: null,
                      firmwareRevision: '',
                      serialNum: '',
                      interfaceType: protocol || 'USB',
                      smartStatus: 'unknown',
                      temperature: null,
                      BSDName: BSDName
                    });
                    cmd = cmd + 'printf "\n' + BSDName + '|"; diskutil info /dev/' + BSDName + ' | grep SMART;';
                    cmdFullSmart += `${cmdFullSmart ? 'printf ",";' : ''}smartctl -a -j ${BSDName};`;
                  }
                }
              });
            } catch {
              util.noop();
            }
            // check S.M.A.R.T. status
            if (cmdFullSmart) {
              exec(cmdFullSmart, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
                try {
                  const data = JSON.parse(`[${stdout}]`);
                  data.forEach((disk) => {
                    const diskBSDName = disk.smartctl.argv[disk.smartctl.argv.length - 1];

                    for (let i = 0; i < result.length; i++) {
                      if (result[i].BSDName === diskBSDName) {
                        result[i].smartStatus = disk.smart_status.passed ? 'Ok' : disk.smart_status.passed === false ? 'Predicted Failure' : 'unknown';
                        if (disk.temperature && disk.temperature.current) {
                          result[i].temperature = disk.temperature.current;
                        }
                        result[i].smartData = disk;
                      }
                    }
                  });
                  commitResult(result);
                } catch (e) {
                  if (cmd) {
                    cmd = cmd + 'printf "\n"';
                    exec(cmd, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
                      const lines = stdout.toString().split('\n');
                      lines.forEach((line) => {
                        if (line) {
                          const parts = line.split('|');
                          if (parts.length === 2) {
                            const BSDName = parts[0];
                            parts[1] = parts[1].trim();
                            const parts2 = parts[1].split(':');
                            if (parts2.length === 2) {
                              parts2[1] = parts2[1].trim();
                              const status = parts2[1].toLowerCase();
                              for (let i = 0; i < result.length; i++) {
                                if (result[i].BSDName === BSDName) {
                                  result[i].smartStatus = status === 'passed' ? 'Ok' : status === 'failed!' ? 'Predicted Failure' : 'unknown';
                                }
                              }
                            }
                          }
                        }
                      });
                      commitResult(result);
                    });
                  } else {
                    commitResult(result);
                  }
                }
              });
            } else if (cmd) {
              cmd = cmd + 'printf "\n"';
              exec(cmd, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
                const lines = stdout.toString().split('\n');
                lines.forEach((line) => {
                  if (line) {
                    const parts = line.split('|');
                    if (parts.length === 2) {
                      const BSDName = parts[0];
                      parts[1] = parts[1].trim();
                      const parts2 = parts[1].split(':');
                      if (parts2.length === 2) {
                        parts2[1] = parts2[1].trim();
                        const status = parts2[1].toLowerCase();
                        for (let i = 0; i < result.length; i++) {
                          if (result[i].BSDName === BSDName) {
                            result[i].smartStatus = status === 'not supported' ? 'not supported' : status === 'verified' ? 'Ok' : status === 'failing' ? 'Predicted Failure' : 'unknown';
                          }
                        }
                      }
                    }
                  }
                });
                commitResult(result);
              });
            } else {
              commitResult(result);
            }
          } else {
            commitResult(result);
          }
        });
      }
      if (_windows) {
        try {
          const workload = [];
          workload.push(
            util.powerShell(
              'Get-CimInstance Win32_DiskDrive | select Caption,Size,Status,PNPDeviceId,DeviceId,BytesPerSector,TotalCylinders,TotalHeads,TotalSectors,TotalTracks,TracksPerCylinder,SectorsPerTrack,FirmwareRevision,SerialNumber,InterfaceType | fl'
            )
          );
          workload.push(util.powerShell('Get-PhysicalDisk | select BusType,MediaType,FriendlyName,Model,SerialNumber,Size | fl'));
          if (util.smartMonToolsInstalled()) {
            try {
              const smartDev = JSON.parse(execSync('smartctl --scan -j', util.execOptsWin).toString());
              if (smartDev && smartDev.devices && smartDev.devices.length > 0) {
                smartDev.devices.forEach((dev) => {
                  // device names come from smartctl output - never let anything but a plain path reach the shell
                  if (!/^[\w/.,:\\-]+$/.test(String(dev.name || ''))) {
                    return;
                  }
                  workload.push(execPromiseSave(`smartctl -j -a ${dev.name}`, util.execOptsWin));
                });
              }
            } catch {
              util.noop();
            }
          }
          function hasControlCharacters(str) {
            return /\p{Cc}/u.test(str);
          }
          util.promiseAll(workload).then((data) => {
            let devices = data.results[0].toString().split(/\n\s*\n/);
            devices.forEach((device) => {
              const lines = device.split('\r\n');
              const size = util.getValue(lines, 'Size', ':').trim();
              const status = util.getValue(lines, 'Status', ':').trim().toLowerCase();
              let serialNum = util.getValue(lines, 'SerialNumber', ':').trim();
              if (hasControlCharacters(serialNum)) {
                const instanceId = util.getValue(lines, 'PNPDeviceId', ':').trim().split('\\')[2];
                if (instanceId) {
                  const parts = instanceId.split('&');
                  // instanceId can contain device serial number or be generated by PnP manager
                  // in first case it will be "<serial number>&0"
                  // in second case it will be opaque generated value that looks like this: "5&<8-symbol hex code>&0&000000"
                  // https://learn.microsoft.com/en-us/windows-hardware/drivers/install/instance-ids
                  if (parts.length === 2 && parts[1] === '0') {
                    serialNum = parts[0];
                  }
                }
              }
              if (size) {
                result.push({
                  device: util.getValue(lines, 'DeviceId', ':'), // changed from PNPDeviceId to DeviceID (be be able to match devices)
                  type: device.indexOf('SSD') > -1 ? 'SSD' : 'HD', // just a starting point ... better: MSFT_PhysicalDisk - Media Type ... see below
                  name: util.getValue(lines, 'Caption', ':'),
                  vendor: getVendorFromModel(util.getValue(lines, 'Caption', ':', true).trim()),
                  size: parseInt(size, 10),
                  bytesPerSector: parseInt(util.getValue(lines, 'BytesPerSector', ':'), 10),
                  totalCylinders: parseInt(util.getValue(lines, 'TotalCylinders', ':'), 10),
                  totalHeads: parseInt(util.getValue(lines, 'TotalHeads', ':'), 10),
                  totalSectors: parseInt(util.getValue(lines, 'TotalSectors', ':'), 10),
                  totalTracks: parseInt(util.getValue(lines, 'TotalTracks', ':'), 10),
                  tracksPerCylinder: parseInt(util.getValue(lines, 'TracksPerCylinder', ':'), 10),
                  sectorsPerTrack: parseInt(util.getValue(lines, 'SectorsPerTrack', ':'), 10),
                  firmwareRevision: util.getValue(lines, 'FirmwareRevision', ':').trim(),
                  serialNum,
                  interfaceType: util.getValue(lines, 'InterfaceType', ':').trim(),
                  smartStatus: status === 'ok' ? 'Ok' : status === 'degraded' ? 'Degraded' : status === 'pred fail' ? 'Predicted Failure' : 'Unknown',
                  temperature: null
                });
              }
            });
            devices = data.results[1].split(/\n\s*\n/);
            devices.forEach((device) => {
              const lines = device.split('\r\n');
              const serialNum = util.getValue(lines, 'SerialNumber', ':').trim();
              const name = util.getValue(lines, 'FriendlyName', ':').trim().replace('Msft ', 'Microsoft');
              const size = util.getValue(lines, 'Size', ':').trim();
              const model = util.getValue(lines, 'Model', ':').trim();
              const interfaceType = util.getValue(lines, 'BusType', ':').trim();
              let mediaType = util.getValue(lines, 'MediaType', ':').trim();
              if (mediaType === '3' || mediaType === 'HDD') {
                mediaType = 'HD';
              }
              if (mediaType === '4') {
                mediaType = 'SSD';
              }
              if (mediaType === '5') {
                mediaType = 'SCM';
              }
              if (mediaType === 'Unspecified' && (model.toLowerCase().indexOf('virtual') > -1 || model.toLowerCase().indexOf('vbox') > -1)) {
                mediaType = 'Virtual';
              }
              if (size) {
                let i = util.findObjectByKey(result, 'serialNum', serialNum);
                if (i === -1 || serialNum === '') {
                  i = util.findObjectByKey(result, 'name', name);
                }
                if (i !== -1) {
                  result[i].type = mediaType;
                  result[i].interfaceType = interfaceType;
                }
              }
            });
            // S.M.A.R.T
            data.results.shift();
            data.results.shift();
            if (data.results.length) {
              data.results.forEach((smartStr) => {
                try {
                  const smartData = JSON.parse(smartStr);
                  if (smartData.serial_number) {
                    const serialNum = smartData.serial_number;
                    const i = util.findObjectByKey(result, 'serialNum', serialNum);
                    if (i !== -1) {
                      result[i].smartStatus =
                        smartData.smart_status && smartData.smart_status.passed ? 'Ok' : smartData.smart_status && smartData.smart_status.passed === false ? 'Predicted Failure' : 'unknown';
                      if (smartData.temperature && smartData.temperature.current) {
                        result[i].temperature = smartData.temperature.current;
                      }
                      result[i].smartData = smartData;
                    }
                  }
                } catch {
                  util.noop();
                }
              });
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.diskLayout = diskLayout;


/***/ }),

/***/ 969:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// graphics.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 7. Graphics (controller, display)
// ----------------------------------------------------------------------------------

const fs = __nccwpck_require__(896);
const path = __nccwpck_require__(928);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const execFileSync = (__nccwpck_require__(317).execFileSync);
const util = __nccwpck_require__(796);

const _platform = process.platform;
let _nvidiaSmiPath = '';

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

let _resolutionX = 0;
let _resolutionY = 0;
let _pixelDepth = 0;
let _refreshRate = 0;

// EnumDisplaySettings (current mode per \\.\DISPLAYn) - per-display refresh rate (issue #853)
const psCurrentModes =
  "Add-Type -AssemblyName System.Windows.Forms; if (-not ('SiDevMode' -as [Type])) { Add-Type -TypeDefinition 'using System;using System.Runtime.InteropServices;[StructLayout(LayoutKind.Sequential,CharSet=CharSet.Ansi)]public struct SIDEVMODE{[MarshalAs(UnmanagedType.ByValTStr,SizeConst=32)]public string dmDeviceName;public short dmSpecVersion;public short dmDriverVersion;public short dmSize;public short dmDriverExtra;public int dmFields;public int dmPositionX;public int dmPositionY;public int dmDisplayOrientation;public int dmDisplayFixedOutput;public short dmColor;public short dmDuplex;public short dmYResolution;public short dmTTOption;public short dmCollate;[MarshalAs(UnmanagedType.ByValTStr,SizeConst=32)]public string dmFormName;public short dmLogPixels;public int dmBitsPerPel;public int dmPelsWidth;public int dmPelsHeight;public int dmDisplayFlags;public int dmDisplayFrequency;public int dmICMMethod;public int dmICMIntent;public int dmMediaType;public int dmDitherType;public int dmReserved1;public int dmReserved2;public int dmPanningWidth;public int dmPanningHeight;}public class SiDevMode{[DllImport(\"user32.dll\",CharSet=CharSet.Ansi)]public static extern bool EnumDisplaySettings(string lpszDeviceName,int iModeNum,ref SIDEVMODE lpDevMode);}' }; [System.Windows.Forms.Screen]::AllScreens | ForEach-Object { $dm = New-Object SIDEVMODE; $dm.dmSize = [System.Runtime.InteropServices.Marshal]::SizeOf($dm); if ([SiDevMode]::EnumDisplaySettings($_.DeviceName, -1, [ref]$dm)) { $_.DeviceName + '|' + $dm.dmDisplayFrequency + '|' + $dm.dmBitsPerPel + '|' + $dm.dmPelsWidth + '|' + $dm.dmPelsHeight } }";

const videoTypes = {
  '-2': 'UNINITIALIZED',
  '-1': 'OTHER',
  0: 'HD15',
  1: 'SVIDEO',
  2: 'Composite video',
  3: 'Component video',
  4: 'DVI',
  5: 'HDMI',
  6: 'LVDS',
  8: 'D_JPN',
  9: 'SDI',
  10: 'DP',
  11: 'DP embedded',
  12: 'UDI',
  13: 'UDI embedded',
  14: 'SDTVDONGLE',
  15: 'MIRACAST',
  2147483648: 'INTERNAL',
  4294967295: 'RDP'
};

function getVendorFromModel(model) {
  const manufacturers = [
    { pattern: '^LG.+', manufacturer: 'LG' },
    { pattern: '^BENQ.+', manufacturer: 'BenQ' },
    { pattern: '^ASUS.+', manufacturer: 'Asus' },
    { pattern: '^DELL.+', manufacturer: 'Dell' },
    { pattern: '^SAMSUNG.+', manufacturer: 'Samsung' },
    { pattern: '^VIEWSON.+', manufacturer: 'ViewSonic' },
    { pattern: '^SONY.+', manufacturer: 'Sony' },
    { pattern: '^ACER.+', manufacturer: 'Acer' },
    { pattern: '^AOC.+', manufacturer: 'AOC Monitors' },
    { pattern: '^HP.+', manufacturer: 'HP' },
    { pattern: '^EIZO.?', manufacturer: 'Eizo' },
    { pattern: '^PHILIPS.?', manufacturer: 'Philips' },
    { pattern: '^IIYAMA.?', manufacturer: 'Iiyama' },
    { pattern: '^SHARP.?', manufacturer: 'Sharp' },
    { pattern: '^NEC.?', manufacturer: 'NEC' },
    { pattern: '^LENOVO.?', manufacturer: 'Lenovo' },
    { pattern: 'COMPAQ.?', manufacturer: 'Compaq' },
    { pattern: 'APPLE.?', manufacturer: 'Apple' },
    { pattern: 'INTEL.?', manufacturer: 'Intel' },
    { pattern: 'AMD.?', manufacturer: 'AMD' },
    { pattern: 'NVIDIA.?', manufacturer: 'NVIDIA' }
  ];

  let result = '';
  if (model) {
    model = model.toUpperCase();
    manufacturers.forEach((manufacturer) => {
      const re = RegExp(manufacturer.pattern);
      if (re.test(model)) {
        result = manufacturer.manufacturer;
      }
    });
  }
  return result;
}

function getVendorFromId(id) {
  const vendors = {
    610: 'Apple',
    '1e6d': 'LG',
    '10ac': 'DELL',
    '4dd9': 'Sony',
    '38a3': 'NEC'
  };
  return vendors[id] || '';
}

function vendorToId(str) {
  let result = '';
  str = (str || '').toLowerCase();
  if (str.indexOf('apple') >= 0) {
    result = '0x05ac';
  } else if (str.indexOf('nvidia') >= 0) {
    result = '0x10de';
  } else if (str.indexOf('intel') >= 0) {
    result = '0x8086';
  } else if (str.indexOf('ati') >= 0 || str.indexOf('amd') >= 0) {
    result = '0x1002';
  }

  return result;
}

function getMetalVersion(id) {
  const families = {
    spdisplays_mtlgpufamilymac1: 'mac1',
    spdisplays_mtlgpufamilymac2: 'mac2',
    spdisplays_mtlgpufamilyapple1: 'apple1',
    spdisplays_mtlgpufamilyapple2: 'apple2',
    spdisplays_mtlgpufamilyapple3: 'apple3',
    spdisplays_mtlgpufamilyapple4: 'apple4',
    spdisplays_mtlgpufamilyapple5: 'apple5',
    spdisplays_mtlgpufamilyapple6: 'apple6',
    spdisplays_mtlgpufamilyapple7: 'apple7',
    spdisplays_metalfeaturesetfamily11: 'family1_v1',
    spdisplays_metalfeaturesetfamily12: 'family1_v2',
    spdisplays_metalfeaturesetfamily13: 'family1_v3',
    spdisplays_metalfeaturesetfamily14: 'family1_v4',
    spdisplays_metalfeaturesetfamily21: 'family2_v1'
  };
  return families[id] || '';
}

function graphics(callback) {
  callback = util.isFunction(callback) ? callback : null;
  function parseLinesDarwin(graphicsArr) {
    const res = {
      controllers: [],
      displays: []
    };
    try {
      graphicsArr.forEach((item) => {
        // controllers
        const bus = (item.sppci_bus || '').indexOf('builtin') > -1 ? 'Built-In' : (item.sppci_bus || '').indexOf('pcie') > -1 ? 'PCIe' : '';
        const vram = (parseInt(item.spdisplays_vram || '', 10) || 0) * ((item.spdisplays_vram || '').indexOf('GB') > -1 ? 1024 : 1);
        const vramDyn = (parseInt(item.spdisplays_vram_shared || '', 10) || 0) * ((item.spdisplays_vram_shared || '').indexOf('GB') > -1 ? 1024 : 1);
        const metalVersion = getMetalVersion(item.spdisplays_metal || item.spdisplays_metalfamily || '');
        res.controllers.push({
          vendor: getVendorFromModel(item.spdisplays_vendor || '') || item.spdisplays_vendor || '',
          model: item.sppci_model || '',
          bus,
          vramDynamic: bus === 'Built-In',
          vram: vram || vramDyn || null,
          deviceId: item['spdisplays_device-id'] || '',
          vendorId: item['spdisplays_vendor-id'] || vendorToId((item['spdisplays_vendor'] || '') + (item.sppci_model || '')),
          external: item.sppci_device_type === 'spdisplays_egpu',
          cores: item['sppci_cores'] || null,
          metalVersion
        });

        // displays
        if (item.spdisplays_ndrvs && item.spdisplays_ndrvs.length) {
          item.spdisplays_ndrvs.forEach((displayItem) => {
            const connectionType = displayItem['spdisplays_connection_type'] || '';
            const currentResolutionParts = (displayItem['_spdisplays_resolution'] || '').split('@');
            const currentResolution = currentResolutionParts[0].split('x');
            const pixelParts = (displayItem['_spdisplays_pixels'] || '').split('x');
            const pixelDepthString = displayItem['spdisplays_depth'] || '';
            const serial = displayItem['_spdisplays_display-serial-number'] || displayItem['_spdisplays_display-serial-number2'] || null;
            res.displays.push({
              vendor: getVendorFromId(displayItem['_spdisplays_display-vendor-id'] || '') || getVendorFromModel(displayItem['_name'] || ''),
              vendorId: displayItem['_spdisplays_display-vendor-id'] || '',
              model: displayItem['_name'] || '',
              productionYear: displayItem['_spdisplays_display-year'] || null,
              serial: serial !== '0' ? serial : null,
              displayId: displayItem['_spdisplays_displayID'] || null,
              main: displayItem['spdisplays_main'] ? displayItem['spdisplays_main'] === 'spdisplays_yes' : false,
              builtin: (displayItem['spdisplays_display_type'] || '').indexOf('built-in') > -1,
              connection: connectionType.indexOf('_internal') > -1 ? 'Internal' : connectionType.indexOf('_displayport') > -1 ? 'Display Port' : connectionType.indexOf('_hdmi') > -1 ? 'HDMI' : null,
              sizeX: null,
              sizeY: null,
              pixelDepth: pixelDepthString === 'CGSThirtyBitColor' ? 30 : pixelDepthString === 'CGSThirtytwoBitColor' ? 32 : pixelDepthString === 'CGSTwentyfourBitColor' ? 24 : null,
              resolutionX: pixelParts.length > 1 ? parseInt(pixelParts[0], 10) : null,
              resolutionY: pixelParts.length > 1 ? parseInt(pixelParts[1], 10) : null,
              currentResX: currentResolution.length > 1 ? parseInt(currentResolution[0], 10) : null,
              currentResY: currentResolution.length > 1 ? parseInt(currentResolution[1], 10) : null,
              positionX: 0,
              positionY: 0,
              currentRefreshRate: currentResolutionParts.length > 1 ? parseInt(currentResolutionParts[1], 10) : null
            });
          });
        }
      });
      return res;
    } catch (e) {
      return res;
    }
  }

  function parseLinesLinuxControllers(lines) {
    const controllers = [];
    let currentController = {
      vendor: '',
      subVendor: '',
      model: '',
      bus: '',
      busAddress: '',
      vram: null,
      vramDynamic: false,
      pciID: ''
    };
    let isGraphicsController = false;
    // PCI bus IDs
    let pciIDs = [];
    try {
      pciIDs = execSync('export LC_ALL=C; dmidecode -t 9 2>/dev/null | grep "Bus Address: "', util.execOptsLinux).toString().split('\n');
      for (let i = 0; i < pciIDs.length; i++) {
        pciIDs[i] = pciIDs[i].replace('Bus Address:', '').replace('0000:', '').trim();
      }
      pciIDs = pciIDs.filter((el) => el != null && el);
    } catch {
      util.noop();
    }
    let i = 1;
    lines.forEach((line) => {
      let subsystem = '';
      if (i < lines.length && lines[i]) {
        // get next line;
        subsystem = lines[i];
        if (subsystem.indexOf(':') > 0) {
          subsystem = subsystem.split(':')[1];
        }
      }
      if ('' !== line.trim()) {
        if (' ' !== line[0] && '\t' !== line[0]) {
          // first line of new entry
          const isExternal = pciIDs.indexOf(line.split(' ')[0]) >= 0;
          let vgapos = line.toLowerCase().indexOf(' vga ');
          const _3dcontrollerpos = line.toLowerCase().indexOf('3d controller');
          const _displaycontrollerpos = line.toLowerCase().indexOf('display controller');
          if (vgapos !== -1 || _3dcontrollerpos !== -1 || _displaycontrollerpos !== -1) {
            // VGA
            if (_3dcontrollerpos !== -1 && vgapos === -1) {
              vgapos = _3dcontrollerpos;
            }
            if (_displaycontrollerpos !== -1 && vgapos === -1) {
              vgapos = _displaycontrollerpos;
            }
            if (currentController.vendor || currentController.model || currentController.bus || currentController.vram !== null || currentController.vramDynamic) {
              // already a controller found
              controllers.push(currentController);
              currentController = {
                vendor: '',
                model: '',
                bus: '',
                busAddress: '',
                vram: null,
                vramDynamic: false
              };
            }

            const pciIDCandidate = line.split(' ')[0];
            if (/[\da-fA-F]{2}:[\da-fA-F]{2}\.[\da-fA-F]/.test(pciIDCandidate)) {
              currentController.busAddress = pciIDCandidate;
            }
            isGraphicsController = true;
            const endpos = line.search(/\[[0-9a-f]{4}:[0-9a-f]{4}]|$/);
            const parts = line.substr(vgapos, endpos - vgapos).split(':');
            currentController.busAddress = line.substr(0, vgapos).trim();
            if (parts.length > 1) {
              parts[1] = parts[1].trim();
              if (parts[1].toLowerCase().indexOf('corporation') >= 0) {
                currentController.vendor = parts[1].substr(0, parts[1].toLowerCase().indexOf('corporation') + 11).trim();
                currentController.model = parts[1]
                  .substr(parts[1].toLowerCase().indexOf('corporation') + 11, 200)
                  .split('(')[0]
                  .trim();
                currentController.bus = pciIDs.length > 0 && isExternal ? 'PCIe' : 'Onboard';
                currentController.vram = null;
                currentController.vramDynamic = false;
              } else if (parts[1].toLowerCase().indexOf(' inc.') >= 0) {
                if ((parts[1].match(/]/g) || []).length > 1) {
                  currentController.vendor = parts[1].substr(0, parts[1].toLowerCase().indexOf(']') + 1).trim();
                  currentController.model = parts[1]
                    .substr(parts[1].toLowerCase().indexOf(']') + 1, 200)
                    .trim()
                    .split('(')[0]
                    .trim();
                } else {
                  currentController.vendor = parts[1].substr(0, parts[1].toLowerCase().indexOf(' inc.') + 5).trim();
                  currentController.model = parts[1]
                    .substr(parts[1].toLowerCase().indexOf(' inc.') + 5, 200)
                    .trim()
                    .split('(')[0]
                    .trim();
                }
                currentController.bus = pciIDs.length > 0 && isExternal ? 'PCIe' : 'Onboard';
                currentController.vram = null;
                currentController.vramDynamic = false;
              } else if (parts[1].toLowerCase().indexOf(' ltd.') >= 0) {
                if ((parts[1].match(/]/g) || []).length > 1) {
                  currentController.vendor = parts[1].substr(0, parts[1].toLowerCase().indexOf(']') + 1).trim();
                  currentController.model = parts[1]
                    .substr(parts[1].toLowerCase().indexOf(']') + 1, 200)
                    .trim()
                    .split('(')[0]
                    .trim();
                } else {
                  currentController.vendor = parts[1].substr(0, parts[1].toLowerCase().indexOf(' ltd.') + 5).trim();
                  currentController.model = parts[1]
                    .substr(parts[1].toLowerCase().indexOf(' ltd.') + 5, 200)
                    .trim()
                    .split('(')[0]
                    .trim();
                }
              }
              if (currentController.model && subsystem.indexOf(currentController.model) !== -1) {
                const subVendor = subsystem.split(currentController.model)[0].trim();
                if (subVendor) {
                  currentController.subVendor = subVendor;
                }
              }
            }
          } else {
            isGraphicsController = false;
          }
        }
        if (isGraphicsController) {
          // within VGA details
          const parts = line.split(':');
          if (parts.length > 1 && parts[0].replace(/ +/g, '').toLowerCase().indexOf('devicename') !== -1 && parts[1].toLowerCase().indexOf('onboard') !== -1) {
            currentController.bus = 'Onboard';
          }
          if (parts.length > 1 && parts[0].replace(/ +/g, '').toLowerCase().indexOf('region') !== -1 && parts[1].toLowerCase().indexOf('memory') !== -1) {
            const sizeMatch = parts[1].match(/size=(\d+)([KMG])?/i);
            if (sizeMatch) {
              let vram = parseInt(sizeMatch[1], 10);
              const unit = (sizeMatch[2] || '').toUpperCase();
              if (unit === 'G') {
                vram *= 1024;
              } else if (unit === 'K') {
                vram = Math.round(vram / 1024);
              } else if (unit === '') {
                vram = Math.round(vram / 1024 / 1024);
              } // bytes
              // keep the largest memory region (the actual framebuffer aperture)
              if (currentController.vram === null || vram > currentController.vram) {
                currentController.vram = vram;
              }
            }
          }
        }
      }
      i++;
    });

    if (currentController.vendor || currentController.model || currentController.bus || currentController.busAddress || currentController.vram !== null || currentController.vramDynamic) {
      // already a controller found
      controllers.push(currentController);
    }
    return controllers;
  }

  function parseLinesLinuxClinfo(controllers, lines) {
    const fieldPattern = /\[([^\]]+)\]\s+(\w+)\s+(.*)/;
    const devices = lines.reduce((devices, line) => {
      const field = fieldPattern.exec(line.trim());
      if (field) {
        if (!devices[field[1]]) {
          devices[field[1]] = {};
        }
        devices[field[1]][field[2]] = field[3];
      }
      return devices;
    }, {});
    for (const deviceId in devices) {
      const device = devices[deviceId];
      if (device['CL_DEVICE_TYPE'] === 'CL_DEVICE_TYPE_GPU') {
        let busAddress;
        if (device['CL_DEVICE_TOPOLOGY_AMD']) {
          const bdf = device['CL_DEVICE_TOPOLOGY_AMD'].match(/[a-zA-Z0-9]+:\d+\.\d+/);
          if (bdf) {
            busAddress = bdf[0];
          }
        } else if (device['CL_DEVICE_PCI_BUS_ID_NV'] && device['CL_DEVICE_PCI_SLOT_ID_NV']) {
          const bus = parseInt(device['CL_DEVICE_PCI_BUS_ID_NV']);
          const slot = parseInt(device['CL_DEVICE_PCI_SLOT_ID_NV']);
          if (!isNaN(bus) && !isNaN(slot)) {
            const b = bus & 0xff;
            const d = (slot >> 3) & 0xff;
            const f = slot & 0x07;
            busAddress = `${b.toString().padStart(2, '0')}:${d.toString().padStart(2, '0')}.${f}`;
          }
        }
        if (busAddress) {
          let controller = controllers.find((controller) => controller.busAddress === busAddress);
          if (!controller) {
            controller = {
              vendor: '',
              model: '',
              bus: '',
              busAddress,
              vram: null,
              vramDynamic: false
            };
            controllers.push(controller);
          }
          controller.vendor = device['CL_DEVICE_VENDOR'];
          if (device['CL_DEVICE_BOARD_NAME_AMD']) {
            controller.model = device['CL_DEVICE_BOARD_NAME_AMD'];
          } else {
            controller.model = device['CL_DEVICE_NAME'];
          }
          const memory = parseInt(device['CL_DEVICE_GLOBAL_MEM_SIZE']);
          if (!isNaN(memory)) {
            controller.vram = Math.round(memory / 1024 / 1024);
          }
        }
      }
    }
    return controllers;
  }

  function getNvidiaSmi() {
    if (_nvidiaSmiPath) {
      return _nvidiaSmiPath;
    }

    if (_windows) {
      try {
        const systemSmiPath = path.join(util.WINDIR, 'System32', 'nvidia-smi.exe');
        if (fs.existsSync(systemSmiPath)) {
          _nvidiaSmiPath = systemSmiPath;
        } else {
          const basePath = path.join(util.WINDIR, 'System32', 'DriverStore', 'FileRepository');
          // find all directories that have an nvidia-smi.exe file with date
          const candidates = fs
            .readdirSync(basePath, { withFileTypes: true })
            .filter((dir) => dir.isDirectory())
            .map((dir) => {
              const nvidiaSmiPath = path.join(basePath, dir.name, 'nvidia-smi.exe');
              try {
                const stats = fs.statSync(nvidiaSmiPath);
                return { path: nvidiaSmiPath, ctime: stats.ctimeMs };
              } catch {
                return null;
              }
            })
            .filter(Boolean);
          if (candidates.length > 0) {
            // take the most recent
            _nvidiaSmiPath = candidates.reduce((prev, curr) => (curr.ctime > prev.ctime ? curr : prev)).path;
          }
        }
      } catch {
        util.noop();
      }
    } else if (_linux) {
      _nvidiaSmiPath = 'nvidia-smi';
    }
    return _nvidiaSmiPath;
  }

  function nvidiaSmi(options) {
    const nvidiaSmiExe = getNvidiaSmi();
    options = Object.assign({}, options || util.execOptsWin);
    if (nvidiaSmiExe) {
      const nvidiaSmiOpts =
        '--query-gpu=driver_version,pci.sub_device_id,name,pci.bus_id,fan.speed,memory.total,memory.used,memory.free,utilization.gpu,utilization.memory,temperature.gpu,temperature.memory,power.draw,power.limit,clocks.gr,clocks.mem --format=csv,noheader,nounits';
      options.stdio = ['pipe', 'pipe', 'ignore'];
      try {
        return execFileSync(nvidiaSmiExe, nvidiaSmiOpts.split(' '), options).toString();
      } catch {
        util.noop();
      }
    }
    return '';
  }

  function nvidiaDevices() {
    function safeParseNumber(value) {
      if ([null, undefined].includes(value)) {
        return value;
      }
      return parseFloat(value);
    }

    const stdout = nvidiaSmi();
    if (!stdout) {
      return [];
    }

    const gpus = stdout.split('\n').filter(Boolean);
    let results = gpus.map((gpu) => {
      const splittedData = gpu.split(', ').map((value) => (value.includes('N/A') ? undefined : value));
      if (splittedData.length === 16) {
        return {
          driverVersion: splittedData[0],
          subDeviceId: splittedData[1],
          name: splittedData[2],
          pciBus: splittedData[3],
          fanSpeed: safeParseNumber(splittedData[4]),
          memoryTotal: safeParseNumber(splittedData[5]),
          memoryUsed: safeParseNumber(splittedData[6]),
          memoryFree: safeParseNumber(splittedData[7]),
          utilizationGpu: safeParseNumber(splittedData[8]),
          utilizationMemory: safeParseNumber(splittedData[9]),
          temperatureGpu: safeParseNumber(splittedData[10]),
          temperatureMemory: safeParseNumber(splittedData[11]),
          powerDraw: safeParseNumber(splittedData[12]),
          powerLimit: safeParseNumber(splittedData[13]),
          clockCore: safeParseNumber(splittedData[14]),
          clockMemory: safeParseNumber(splittedData[15])
        };
      } else {
        return {};
      }
    });
    results = results.filter((item) => {
      return 'pciBus' in item;
    });
    return results;
  }

  function mergeControllerNvidia(controller, nvidia) {
    if (nvidia.driverVersion) {
      controller.driverVersion = nvidia.driverVersion;
    }
    if (nvidia.subDeviceId) {
      controller.subDeviceId = nvidia.subDeviceId;
    }
    if (nvidia.name) {
      controller.name = nvidia.name;
    }
    if (nvidia.pciBus) {
      controller.pciBus = nvidia.pciBus;
    }
    if (nvidia.fanSpeed) {
      controller.fanSpeed = nvidia.fanSpeed;
    }
    if (nvidia.memoryTotal) {
      controller.memoryTotal = nvidia.memoryTotal;
      controller.vram = nvidia.memoryTotal;
      controller.vramDynamic = false;
    }
    if (nvidia.memoryUsed) {
      controller.memoryUsed = nvidia.memoryUsed;
    }
    if (nvidia.memoryFree) {
      controller.memoryFree = nvidia.memoryFree;
    }
    if (nvidia.utilizationGpu) {
      controller.utilizationGpu = nvidia.utilizationGpu;
    }
    if (nvidia.utilizationMemory) {
      controller.utilizationMemory = nvidia.utilizationMemory;
    }
    if (nvidia.temperatureGpu) {
      controller.temperatureGpu = nvidia.temperatureGpu;
    }
    if (nvidia.temperatureMemory) {
      controller.temperatureMemory = nvidia.temperatureMemory;
    }
    if (nvidia.powerDraw) {
      controller.powerDraw = nvidia.powerDraw;
    }
    if (nvidia.powerLimit) {
      controller.powerLimit = nvidia.powerLimit;
    }
    if (nvidia.clockCore) {
      controller.clockCore = nvidia.clockCore;
    }
    if (nvidia.clockMemory) {
      controller.clockMemory = nvidia.clockMemory;
    }
    return controller;
  }

  function parseLinesLinuxEdid(edid) {
    // parsen EDID
    // --> model
    // --> resolutionx
    // --> resolutiony
    // --> builtin = false
    // --> pixeldepth (?)
    // --> sizex
    // --> sizey
    const result = {
      vendor: '',
      model: '',
      deviceName: '',
      main: false,
      builtin: false,
      connection: '',
      sizeX: null,
      sizeY: null,
      pixelDepth: null,
      resolutionX: null,
      resolutionY: null,
      currentResX: null,
      currentResY: null,
      positionX: 0,
      positionY: 0,
      currentRefreshRate: null
    };
    // find first "Detailed Timing Description"
    let start = 108;
    if (edid.substr(start, 6) === '000000') {
      start += 36;
    }
    if (edid.substr(start, 6) === '000000') {
      start += 36;
    }
    if (edid.substr(start, 6) === '000000') {
      start += 36;
    }
    if (edid.substr(start, 6) === '000000') {
      start += 36;
    }
    result.resolutionX = parseInt('0x0' + edid.substr(start + 8, 1) + edid.substr(start + 4, 2));
    result.resolutionY = parseInt('0x0' + edid.substr(start + 14, 1) + edid.substr(start + 10, 2));
    result.sizeX = parseInt('0x0' + edid.substr(start + 28, 1) + edid.substr(start + 24, 2));
    result.sizeY = parseInt('0x0' + edid.substr(start + 29, 1) + edid.substr(start + 26, 2));
    // monitor name
    start = edid.indexOf('000000fc00'); // find first "Monitor Description Data"
    if (start >= 0) {
      let model_raw = edid.substr(start + 10, 26);
      if (model_raw.indexOf('0a') !== -1) {
        model_raw = model_raw.substr(0, model_raw.indexOf('0a'));
      }
      try {
        if (model_raw.length > 2) {
          result.model = model_raw
            .match(/.{1,2}/g)
            .map((v) => String.fromCharCode(parseInt(v, 16)))
            .join('');
        }
      } catch {
        util.noop();
      }
    } else {
      result.model = '';
    }
    return result;
  }

  function parseLinesLinuxDisplays(lines, depth) {
    const displays = [];
    let currentDisplay = {
      vendor: '',
      model: '',
      deviceName: '',
      main: false,
      builtin: false,
      connection: '',
      sizeX: null,
      sizeY: null,
      pixelDepth: null,
      resolutionX: null,
      resolutionY: null,
      currentResX: null,
      currentResY: null,
      positionX: 0,
      positionY: 0,
      currentRefreshRate: null
    };
    let is_edid = false;
    let is_current = false;
    let edid_raw = '';
    let start = 0;
    const applyEdid = () => {
      const edid_decoded = parseLinesLinuxEdid(edid_raw);
      currentDisplay.vendor = edid_decoded.vendor;
      currentDisplay.model = edid_decoded.model;
      currentDisplay.resolutionX = edid_decoded.resolutionX;
      currentDisplay.resolutionY = edid_decoded.resolutionY;
      currentDisplay.sizeX = edid_decoded.sizeX;
      currentDisplay.sizeY = edid_decoded.sizeY;
      currentDisplay.pixelDepth = depth;
      is_edid = false;
    };
    for (let i = 1; i < lines.length; i++) {
      // start with second line
      if ('' !== lines[i].trim()) {
        if (' ' !== lines[i][0] && '\t' !== lines[i][0] && lines[i].toLowerCase().indexOf(' connected ') !== -1) {
          // first line of new entry
          if (is_edid && edid_raw) {
            // pending EDID belongs to the previous display
            applyEdid();
          }
          if (
            currentDisplay.model ||
            currentDisplay.main ||
            currentDisplay.builtin ||
            currentDisplay.connection ||
            currentDisplay.sizeX !== null ||
            currentDisplay.pixelDepth !== null ||
            currentDisplay.resolutionX !== null
          ) {
            // push last display to array
            displays.push(currentDisplay);
            currentDisplay = {
              vendor: '',
              model: '',
              main: false,
              builtin: false,
              connection: '',
              sizeX: null,
              sizeY: null,
              pixelDepth: null,
              resolutionX: null,
              resolutionY: null,
              currentResX: null,
              currentResY: null,
              positionX: 0,
              positionY: 0,
              currentRefreshRate: null
            };
          }
          const parts = lines[i].split(' ');
          currentDisplay.connection = parts[0];
          currentDisplay.main = lines[i].toLowerCase().indexOf(' primary ') >= 0;
          currentDisplay.builtin = parts[0].toLowerCase().indexOf('edp') >= 0;
          const geometry = lines[i].match(/\d+x\d+\+(-?\d+)\+(-?\d+)/);
          if (geometry) {
            currentDisplay.positionX = util.toInt(geometry[1]);
            currentDisplay.positionY = util.toInt(geometry[2]);
          }
        }

        // try to read EDID information
        if (is_edid) {
          if (lines[i].search(/\S|$/) > start) {
            edid_raw += lines[i].toLowerCase().trim();
          } else {
            // parsen EDID
            applyEdid();
          }
        }
        if (lines[i].toLowerCase().indexOf('edid:') >= 0) {
          is_edid = true;
          edid_raw = '';
          start = lines[i].search(/\S|$/);
        }
        if (lines[i].toLowerCase().indexOf('*current') >= 0) {
          const parts1 = lines[i].split('(');
          if (parts1 && parts1.length > 1 && parts1[0].indexOf('x') >= 0) {
            const resParts = parts1[0].trim().split('x');
            currentDisplay.currentResX = util.toInt(resParts[0]);
            currentDisplay.currentResY = util.toInt(resParts[1]);
          }
          is_current = true;
        }
        if (is_current && lines[i].toLowerCase().indexOf('clock') >= 0 && lines[i].toLowerCase().indexOf('hz') >= 0 && lines[i].toLowerCase().indexOf('v: height') >= 0) {
          const parts1 = lines[i].split('clock');
          if (parts1 && parts1.length > 1 && parts1[1].toLowerCase().indexOf('hz') >= 0) {
            currentDisplay.currentRefreshRate = util.toInt(parts1[1]);
          }
          is_current = false;
        }
      }
    }

    // pushen displays
    if (is_edid && edid_raw) {
      // EDID was the last block in the output
      applyEdid();
    }
    if (
      currentDisplay.model ||
      currentDisplay.main ||
      currentDisplay.builtin ||
      currentDisplay.connection ||
      currentDisplay.sizeX !== null ||
      currentDisplay.pixelDepth !== null ||
      currentDisplay.resolutionX !== null
    ) {
      // still information there
      displays.push(currentDisplay);
    }
    return displays;
  }

  // function starts here
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        controllers: [],
        displays: []
      };
      if (_darwin) {
        const cmd = 'system_profiler -xml -detailLevel full SPDisplaysDataType';
        exec(cmd, (error, stdout) => {
          if (!error) {
            try {
              const output = stdout.toString();
              result = parseLinesDarwin(util.plistParser(output)[0]._items);
            } catch (e) {
              util.noop();
            }
            try {
              // GPU temperature (Apple Silicon) - optional dependency
              const macosTemp = __nccwpck_require__(748);
              const temps = macosTemp.temperature();
              if (temps && temps.gpu) {
                result.controllers.forEach((controller) => {
                  if (controller.bus === 'Built-In') {
                    controller.temperatureGpu = Math.round(temps.gpu * 100) / 100;
                  }
                });
              }
            } catch {
              util.noop();
            }
            try {
              stdout = execSync(
                'defaults read /Library/Preferences/com.apple.windowserver.plist 2>/dev/null;defaults read /Library/Preferences/com.apple.windowserver.displays.plist 2>/dev/null; echo ""',
                { maxBuffer: 1024 * 102400 }
              );
              const output = (stdout || '').toString();
              const obj = util.plistReader(output);
              if (obj['DisplayAnyUserSets'] && obj['DisplayAnyUserSets']['Configs'] && obj['DisplayAnyUserSets']['Configs'][0] && obj['DisplayAnyUserSets']['Configs'][0]['DisplayConfig']) {
                const current = obj['DisplayAnyUserSets']['Configs'][0]['DisplayConfig'];
                let i = 0;
                current.forEach((o) => {
                  if (o['CurrentInfo'] && o['CurrentInfo']['OriginX'] !== undefined && result.displays && result.displays[i]) {
                    result.displays[i].positionX = o['CurrentInfo']['OriginX'];
                  }
                  if (o['CurrentInfo'] && o['CurrentInfo']['OriginY'] !== undefined && result.displays && result.displays[i]) {
                    result.displays[i].positionY = o['CurrentInfo']['OriginY'];
                  }
                  i++;
                });
              }
              if (obj['DisplayAnyUserSets'] && obj['DisplayAnyUserSets'].length > 0 && obj['DisplayAnyUserSets'][0].length > 0 && obj['DisplayAnyUserSets'][0][0]['DisplayID']) {
                const current = obj['DisplayAnyUserSets'][0];
                let i = 0;
                current.forEach((o) => {
                  if ('OriginX' in o && result.displays && result.displays[i]) {
                    result.displays[i].positionX = o['OriginX'];
                  }
                  if ('OriginY' in o && result.displays && result.displays[i]) {
                    result.displays[i].positionY = o['OriginY'];
                  }
                  if (o['Mode'] && o['Mode']['BitsPerPixel'] !== undefined && result.displays && result.displays[i]) {
                    result.displays[i].pixelDepth = o['Mode']['BitsPerPixel'];
                  }
                  i++;
                });
              }
            } catch {
              util.noop();
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_linux) {
        // Raspberry: https://elinux.org/RPI_vcgencmd_usage
        if (util.isRaspberry()) {
          const cmd = "fbset -s 2> /dev/null | grep 'mode \"' ; vcgencmd get_mem gpu 2> /dev/null; tvservice -s 2> /dev/null; tvservice -n 2> /dev/null;";
          exec(cmd, (error, stdout) => {
            const lines = stdout.toString().split('\n');
            if (lines.length > 3 && lines[0].indexOf('mode "') >= 0 && lines[2].indexOf('0x12000a') > -1) {
              const parts = lines[0].replace('mode', '').replace(/"/g, '').trim().split('x');
              if (parts.length === 2) {
                result.displays.push({
                  vendor: '',
                  model: util.getValue(lines, 'device_name', '='),
                  main: true,
                  builtin: false,
                  connection: 'HDMI',
                  sizeX: null,
                  sizeY: null,
                  pixelDepth: null,
                  resolutionX: parseInt(parts[0], 10),
                  resolutionY: parseInt(parts[1], 10),
                  currentResX: null,
                  currentResY: null,
                  positionX: 0,
                  positionY: 0,
                  currentRefreshRate: null
                });
              }
            }
            if (lines.length >= 1 && stdout.toString().indexOf('gpu=') >= 0) {
              result.controllers.push({
                vendor: 'Broadcom',
                model: util.getRpiGpu(),
                bus: '',
                vram: parseInt(util.getValue(lines, 'gpu', '=').replace('M', ''), 10) || null,
                vramDynamic: true
              });
            }
          });
        }
        // } else {
        const cmd = 'lspci -vvv  2>/dev/null';
        exec(cmd, (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().split('\n');
            if (result.controllers.length === 0) {
              result.controllers = parseLinesLinuxControllers(lines);

              const nvidiaData = nvidiaDevices();
              // needs to be rewritten ... using no spread operators
              result.controllers = result.controllers.map((controller) => {
                // match by busAddress
                return mergeControllerNvidia(controller, nvidiaData.find((contr) => contr.pciBus && controller.busAddress && contr.pciBus.toLowerCase().endsWith(controller.busAddress.toLowerCase())) || {});
              });
            }
          }
          const cmd = 'clinfo --raw';
          exec(cmd, (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');
              result.controllers = parseLinesLinuxClinfo(result.controllers, lines);
            }
            const cmd = "xdpyinfo 2>/dev/null | grep 'depth of root window' | awk '{ print $5 }'";
            exec(cmd, (error, stdout) => {
              let depth = 0;
              if (!error) {
                const lines = stdout.toString().split('\n');
                depth = parseInt(lines[0]) || 0;
              }
              const cmd = 'xrandr --verbose 2>/dev/null';
              exec(cmd, (error, stdout) => {
                if (!error) {
                  const lines = stdout.toString().split('\n');
                  result.displays = parseLinesLinuxDisplays(lines, depth);
                }
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
            });
          });
        });
        // }
      }
      if (_freebsd || _openbsd || _netbsd) {
        if (callback) {
          callback(null);
        }
        resolve(null);
      }
      if (_sunos) {
        if (callback) {
          callback(null);
        }
        resolve(null);
      }
      if (_windows) {
        // https://blogs.technet.microsoft.com/heyscriptingguy/2013/10/03/use-powershell-to-discover-multi-monitor-information/
        // https://devblogs.microsoft.com/scripting/use-powershell-to-discover-multi-monitor-information/
        try {
          const workload = [];
          workload.push(util.powerShell('Get-CimInstance win32_VideoController | fl *'));
          workload.push(
            util.powerShell(
              'gp "HKLM:\\SYSTEM\\ControlSet001\\Control\\Class\\{4d36e968-e325-11ce-bfc1-08002be10318}\\*" -ErrorAction SilentlyContinue | where MatchingDeviceId $null -NE | select MatchingDeviceId,HardwareInformation.qwMemorySize | fl'
            )
          );
          workload.push(util.powerShell('Get-CimInstance win32_desktopmonitor | fl *'));
          workload.push(util.powerShell('Get-CimInstance -Namespace root\\wmi -ClassName WmiMonitorBasicDisplayParams | fl'));
          workload.push(util.powerShell('Add-Type -AssemblyName System.Windows.Forms; [System.Windows.Forms.Screen]::AllScreens'));
          workload.push(util.powerShell('Get-CimInstance -Namespace root\\wmi -ClassName WmiMonitorConnectionParams | fl'));
          workload.push(
            util.powerShell(
              'gwmi WmiMonitorID -Namespace root\\wmi | ForEach-Object {(($_.ManufacturerName -notmatch 0 | foreach {[char]$_}) -join "") + "|" + (($_.ProductCodeID -notmatch 0 | foreach {[char]$_}) -join "") + "|" + (($_.UserFriendlyName -notmatch 0 | foreach {[char]$_}) -join "") + "|" + (($_.SerialNumberID -notmatch 0 | foreach {[char]$_}) -join "") + "|" + $_.YearOfManufacture + "|" + $_.InstanceName}'
            )
          );
          workload.push(util.powerShell(psCurrentModes));

          const nvidiaData = nvidiaDevices();

          Promise.all(workload)
            .then((data) => {
              // controller + vram
              const csections = data[0].replace(/\r/g, '').split(/\n\s*\n/);
              const vsections = data[1].replace(/\r/g, '').split(/\n\s*\n/);
              result.controllers = parseLinesWindowsControllers(csections, vsections);
              result.controllers = result.controllers.map((controller) => {
                // match by subDeviceId
                if (controller.vendor.toLowerCase() === 'nvidia') {
                  return mergeControllerNvidia(
                    controller,
                    nvidiaData.find((device) => {
                      let windowsSubDeviceId = (controller.subDeviceId || '').toLowerCase();
                      const nvidiaSubDeviceIdParts = (device.subDeviceId || '').split('x');
                      let nvidiaSubDeviceId = nvidiaSubDeviceIdParts.length > 1 ? nvidiaSubDeviceIdParts[1].toLowerCase() : nvidiaSubDeviceIdParts[0].toLowerCase();
                      const lengthDifference = Math.abs(windowsSubDeviceId.length - nvidiaSubDeviceId.length);
                      if (windowsSubDeviceId.length > nvidiaSubDeviceId.length) {
                        for (let i = 0; i < lengthDifference; i++) {
                          nvidiaSubDeviceId = '0' + nvidiaSubDeviceId;
                        }
                      } else if (windowsSubDeviceId.length < nvidiaSubDeviceId.length) {
                        for (let i = 0; i < lengthDifference; i++) {
                          windowsSubDeviceId = '0' + windowsSubDeviceId;
                        }
                      }
                      return windowsSubDeviceId === nvidiaSubDeviceId;
                    }) || {}
                  );
                } else {
                  return controller;
                }
              });

              // displays
              const dsections = data[2].replace(/\r/g, '').split(/\n\s*\n/);
              // result.displays = parseLinesWindowsDisplays(dsections);
              if (dsections[0].trim() === '') {
                dsections.shift();
              }
              if (dsections.length && dsections[dsections.length - 1].trim() === '') {
                dsections.pop();
              }

              // physical monitors (powershell) - keyed by InstanceName (issue #764)
              // inactive monitors (attached but not part of the desktop, e.g. "PC screen only") are skipped
              const monitors = [];
              data[3].replace(/\r/g, '').split(/\n\s*\n/).forEach((section) => {
                const lines = section.split('\n');
                const monitorInstanceName = util.getValue(lines, 'InstanceName').toLowerCase();
                const monitorActive = util.getValue(lines, 'Active').toLowerCase() !== 'false';
                if (monitorInstanceName && monitorActive) {
                  monitors.push({
                    instanceName: monitorInstanceName,
                    sizeX: util.getValue(lines, 'MaxHorizontalImageSize'),
                    sizeY: util.getValue(lines, 'MaxVerticalImageSize')
                  });
                }
              });

              // forms.screens (powershell)
              const ssections = data[4].replace(/\r/g, '').split('BitsPerPixel ');
              ssections.shift();

              // connection params (powershell) - video type per InstanceName (issue #764)
              const connections = Object.create(null);
              data[5].replace(/\r/g, '').split(/\n\s*\n/).forEach((section) => {
                const lines = section.split('\n');
                const connectionInstanceName = util.getValue(lines, 'InstanceName').toLowerCase();
                if (connectionInstanceName) {
                  connections[connectionInstanceName] = util.getValue(lines, 'VideoOutputTechnology');
                }
              });

              // monitor ID (powershell) - model / vendor
              const res = data[6].replace(/\r/g, '').split(/\n/);
              const isections = [];
              res.forEach((element) => {
                const parts = element.split('|');
                if (parts.length === 6) {
                  isections.push({
                    vendor: parts[0],
                    code: parts[1],
                    model: parts[2],
                    serial: parts[3],
                    productionYear: util.toInt(parts[4]) || null,
                    instanceId: parts[5]
                  });
                }
              });

              // current display mode per device name (issue #853)
              const currentModes = Object.create(null);
              (data[7] || '').replace(/\r/g, '').split(/\n/).forEach((element) => {
                const parts = element.split('|');
                const frequency = parts.length === 5 ? util.toInt(parts[1]) : 0;
                // dmDisplayFrequency 0/1 means hardware default
                if (frequency > 1 && parts[0]) {
                  currentModes[parts[0].trim().toLowerCase()] = frequency;
                }
              });

              result.displays = parseLinesWindowsDisplaysPowershell(ssections, monitors, dsections, connections, isections, currentModes);

              if (result.displays.length === 1) {
                if (_resolutionX) {
                  result.displays[0].resolutionX = _resolutionX;
                  if (!result.displays[0].currentResX) {
                    result.displays[0].currentResX = _resolutionX;
                  }
                }
                if (_resolutionY) {
                  result.displays[0].resolutionY = _resolutionY;
                  if (result.displays[0].currentResY === 0) {
                    result.displays[0].currentResY = _resolutionY;
                  }
                }
                if (_pixelDepth) {
                  result.displays[0].pixelDepth = _pixelDepth;
                }
              }
              result.displays = result.displays.map((element) => {
                if (_refreshRate && !element.currentRefreshRate) {
                  element.currentRefreshRate = _refreshRate;
                }
                return element;
              });

              if (callback) {
                callback(result);
              }
              resolve(result);
            })
            .catch(() => {
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
        } catch (e) {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });

  function parseLinesWindowsControllers(sections, vections) {
    const memorySizes = {};
    for (const i in vections) {
      if ({}.hasOwnProperty.call(vections, i)) {
        if (vections[i].trim() !== '') {
          const lines = vections[i].trim().split('\n');
          const matchingDeviceId = util.getValue(lines, 'MatchingDeviceId').match(/PCI\\(VEN_[0-9A-F]{4})&(DEV_[0-9A-F]{4})(?:&(SUBSYS_[0-9A-F]{8}))?(?:&(REV_[0-9A-F]{2}))?/i);
          if (matchingDeviceId) {
            const quadWordmemorySize = parseInt(util.getValue(lines, 'HardwareInformation.qwMemorySize'));
            if (!isNaN(quadWordmemorySize)) {
              let deviceId = matchingDeviceId[1].toUpperCase() + '&' + matchingDeviceId[2].toUpperCase();
              if (matchingDeviceId[3]) {
                deviceId += '&' + matchingDeviceId[3].toUpperCase();
              }
              if (matchingDeviceId[4]) {
                deviceId += '&' + matchingDeviceId[4].toUpperCase();
              }
              memorySizes[deviceId] = quadWordmemorySize;
            }
          }
        }
      }
    }

    const controllers = [];
    for (const i in sections) {
      if ({}.hasOwnProperty.call(sections, i)) {
        if (sections[i].trim() !== '') {
          const lines = sections[i].trim().split('\n');
          const pnpDeviceId = util.getValue(lines, 'PNPDeviceID', ':').match(/PCI\\(VEN_[0-9A-F]{4})&(DEV_[0-9A-F]{4})(?:&(SUBSYS_[0-9A-F]{8}))?(?:&(REV_[0-9A-F]{2}))?/i);
          let subDeviceId = null;
          let memorySize = null;
          if (pnpDeviceId) {
            subDeviceId = pnpDeviceId[3] || '';
            if (subDeviceId) {
              subDeviceId = subDeviceId.split('_')[1];
            }

            // Match PCI device identifier (there's an order of increasing generality):
            // https://docs.microsoft.com/en-us/windows-hardware/drivers/install/identifiers-for-pci-devices

            // PCI\VEN_v(4)&DEV_d(4)&SUBSYS_s(4)n(4)&REV_r(2)
            if (memorySize == null && pnpDeviceId[3] && pnpDeviceId[4]) {
              const deviceId = pnpDeviceId[1].toUpperCase() + '&' + pnpDeviceId[2].toUpperCase() + '&' + pnpDeviceId[3].toUpperCase() + '&' + pnpDeviceId[4].toUpperCase();
              if ({}.hasOwnProperty.call(memorySizes, deviceId)) {
                memorySize = memorySizes[deviceId];
              }
            }

            // PCI\VEN_v(4)&DEV_d(4)&SUBSYS_s(4)n(4)
            if (memorySize == null && pnpDeviceId[3]) {
              const deviceId = pnpDeviceId[1].toUpperCase() + '&' + pnpDeviceId[2].toUpperCase() + '&' + pnpDeviceId[3].toUpperCase();
              if ({}.hasOwnProperty.call(memorySizes, deviceId)) {
                memorySize = memorySizes[deviceId];
              }
            }

            // PCI\VEN_v(4)&DEV_d(4)&REV_r(2)
            if (memorySize == null && pnpDeviceId[4]) {
              const deviceId = pnpDeviceId[1].toUpperCase() + '&' + pnpDeviceId[2].toUpperCase() + '&' + pnpDeviceId[4].toUpperCase();
              if ({}.hasOwnProperty.call(memorySizes, deviceId)) {
                memorySize = memorySizes[deviceId];
              }
            }

            // PCI\VEN_v(4)&DEV_d(4)
            if (memorySize == null) {
              const deviceId = pnpDeviceId[1].toUpperCase() + '&' + pnpDeviceId[2].toUpperCase();
              if ({}.hasOwnProperty.call(memorySizes, deviceId)) {
                memorySize = memorySizes[deviceId];
              }
            }
          }

          controllers.push({
            vendor: util.getValue(lines, 'AdapterCompatibility', ':'),
            model: util.getValue(lines, 'name', ':'),
            bus: util.getValue(lines, 'PNPDeviceID', ':').startsWith('PCI') ? 'PCI' : '',
            vram: (memorySize == null ? util.toInt(util.getValue(lines, 'AdapterRAM', ':')) : memorySize) / 1024 / 1024,
            vramDynamic: util.getValue(lines, 'VideoMemoryType', ':') === '2',
            subDeviceId
          });
          _resolutionX = util.toInt(util.getValue(lines, 'CurrentHorizontalResolution', ':')) || _resolutionX;
          _resolutionY = util.toInt(util.getValue(lines, 'CurrentVerticalResolution', ':')) || _resolutionY;
          _refreshRate = util.toInt(util.getValue(lines, 'CurrentRefreshRate', ':')) || _refreshRate;
          _pixelDepth = util.toInt(util.getValue(lines, 'CurrentBitsPerPixel', ':')) || _pixelDepth;
        }
      }
    }
    return controllers;
  }

  function parseLinesWindowsDisplaysPowershell(ssections, monitors, dsections, connections, isections, currentModes) {
    const displays = [];
    let vendor = '';
    let model = '';
    let deviceID = '';
    let resolutionX = 0;
    let resolutionY = 0;
    if (dsections && dsections.length) {
      const linesDisplay = dsections[0].split('\n');
      vendor = util.getValue(linesDisplay, 'MonitorManufacturer', ':');
      model = util.getValue(linesDisplay, 'Name', ':');
      deviceID = util.getValue(linesDisplay, 'PNPDeviceID', ':').replace(/&amp;/g, '&').toLowerCase();
      resolutionX = util.toInt(util.getValue(linesDisplay, 'ScreenWidth', ':'));
      resolutionY = util.toInt(util.getValue(linesDisplay, 'ScreenHeight', ':'));
    }
    // iterate over physical monitors too - mirrored monitors have no own logical screen (issue #940)
    const count = Math.max(ssections.length, monitors.length);
    for (let i = 0; i < count; i++) {
      const hasOwnScreen = i < ssections.length;
      // mirrored monitors show the same image as the first screen
      const ssection = hasOwnScreen ? ssections[i] : ssections[0];
      if (ssection !== undefined && ssection.trim() !== '') {
        const linesScreen = ('BitsPerPixel ' + ssection).split('\n');
        // screen <-> monitor correlation stays index based - Forms.Screen exposes no shared key with root\wmi
        const monitor = monitors[i];
        const instanceName = monitor ? monitor.instanceName : '';
        const bitsPerPixel = util.toInt(util.getValue(linesScreen, 'BitsPerPixel')) || null;
        const bounds = util.getValue(linesScreen, 'Bounds').replace('{', '').replace('}', '').replace(/=/g, ':').split(',');
        const primary = util.getValue(linesScreen, 'Primary');
        const sizeX = monitor ? monitor.sizeX : '';
        const sizeY = monitor ? monitor.sizeY : '';
        const videoOutputTechnology = instanceName && connections[instanceName] !== undefined ? connections[instanceName] : '';
        const deviceName = util.getValue(linesScreen, 'DeviceName');
        // WmiMonitorID data matches per InstanceName - prefer it over the locale-dependent Win32_DesktopMonitor values
        const isection = instanceName ? isections.find((element) => element.instanceId.toLowerCase().startsWith(instanceName)) : undefined;
        displays.push({
          vendor: (isection && isection.vendor) || (instanceName.startsWith(deviceID) ? vendor : ''),
          model: (isection && isection.model) || (instanceName.startsWith(deviceID) ? model : ''),
          serial: (isection && isection.serial) || null,
          productionYear: isection ? isection.productionYear : null,
          displayId: instanceName || null,
          deviceName,
          main: hasOwnScreen ? primary.toLowerCase() === 'true' : false,
          builtin: videoOutputTechnology === '2147483648',
          connection: videoOutputTechnology && videoTypes[videoOutputTechnology] ? videoTypes[videoOutputTechnology] : '',
          resolutionX: util.toInt(util.getValue(bounds, 'Width', ':')),
          resolutionY: util.toInt(util.getValue(bounds, 'Height', ':')),
          sizeX: sizeX ? parseInt(sizeX, 10) : null,
          sizeY: sizeY ? parseInt(sizeY, 10) : null,
          pixelDepth: bitsPerPixel,
          currentResX: util.toInt(util.getValue(bounds, 'Width', ':')),
          currentResY: util.toInt(util.getValue(bounds, 'Height', ':')),
          positionX: util.toInt(util.getValue(bounds, 'X', ':')),
          positionY: util.toInt(util.getValue(bounds, 'Y', ':')),
          currentRefreshRate: currentModes[deviceName.toLowerCase()] || null
        });
      }
    }
    if (ssections.length === 0) {
      displays.push({
        vendor,
        model,
        serial: null,
        productionYear: null,
        displayId: null,
        main: true,
        sizeX: null,
        sizeY: null,
        resolutionX,
        resolutionY,
        pixelDepth: null,
        currentResX: resolutionX,
        currentResY: resolutionY,
        positionX: 0,
        positionY: 0
      });
    }
    return displays;
  }
}

exports.graphics = graphics;


/***/ }),

/***/ 754:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// index.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// Contributors:  Guillaume Legrain (https://github.com/glegrain)
//                Riccardo Novaglia (https://github.com/richy24)
//                Quentin Busuttil (https://github.com/Buzut)
//                Lapsio (https://github.com/lapsio)
//                csy (https://github.com/csy1983)
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================

// ----------------------------------------------------------------------------------
// Dependencies
// ----------------------------------------------------------------------------------

const lib_version = (__nccwpck_require__(681)/* .version */ .rE);
const util = __nccwpck_require__(796);
const system = __nccwpck_require__(53);
const osInfo = __nccwpck_require__(574);
const cpu = __nccwpck_require__(724);
const memory = __nccwpck_require__(251);
const battery = __nccwpck_require__(404);
const graphics = __nccwpck_require__(969);
const filesystem = __nccwpck_require__(147);
const network = __nccwpck_require__(536);
const wifi = __nccwpck_require__(337);
const processes = __nccwpck_require__(947);
const users = __nccwpck_require__(354);
const internet = __nccwpck_require__(921);
const docker = __nccwpck_require__(448);
const vbox = __nccwpck_require__(784);
const printer = __nccwpck_require__(510);
const usb = __nccwpck_require__(976);
const audio = __nccwpck_require__(228);
const bluetooth = __nccwpck_require__(176);

const _platform = process.platform;
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

// ----------------------------------------------------------------------------------
// init
// ----------------------------------------------------------------------------------

if (_windows) {
  util.getCodepage();
  util.getPowershell();
}

// ----------------------------------------------------------------------------------
// General
// ----------------------------------------------------------------------------------

function version() {
  return lib_version;
}

// ----------------------------------------------------------------------------------
// Get static and dynamic data (all)
// ----------------------------------------------------------------------------------

// --------------------------
// get static data - they should not change until restarted

function getStaticData(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const data = {};

      data.version = version();

      Promise.all([
        system.system(),
        system.bios(),
        system.baseboard(),
        system.chassis(),
        osInfo.osInfo(),
        osInfo.uuid(),
        osInfo.versions(),
        cpu.cpu(),
        cpu.cpuFlags(),
        graphics.graphics(),
        network.networkInterfaces(),
        memory.memLayout(),
        filesystem.diskLayout(),
        audio.audio(),
        bluetooth.bluetoothDevices(),
        usb.usb(),
        printer.printer()
      ]).then((res) => {
        data.system = res[0];
        data.bios = res[1];
        data.baseboard = res[2];
        data.chassis = res[3];
        data.os = res[4];
        data.uuid = res[5];
        data.versions = res[6];
        data.cpu = res[7];
        data.cpu.flags = res[8];
        data.graphics = res[9];
        data.net = res[10];
        data.memLayout = res[11];
        data.diskLayout = res[12];
        data.audio = res[13];
        data.bluetooth = res[14];
        data.usb = res[15];
        data.printer = res[16];
        if (callback) {
          callback(data);
        }
        resolve(data);
      });
    });
  });
}

// --------------------------
// get all dynamic data - e.g. for monitoring agents
// may take some seconds to get all data
// --------------------------
// 2 additional parameters needed
// - srv: 		comma separated list of services to monitor e.g. "mysql, apache, postgresql"
// - iface:	define network interface for which you like to monitor network speed e.g. "eth0"

function getDynamicData(srv, iface, callback) {
  callback = util.isFunction(callback) ? callback : null;
  if (util.isFunction(iface)) {
    callback = iface;
    iface = '';
  }
  if (util.isFunction(srv)) {
    callback = srv;
    srv = '';
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      iface = iface || network.getDefaultNetworkInterface();
      srv = srv || '';

      // use closure to track ƒ completion
      const functionProcessed = (() => {
        let totalFunctions = 15;
        if (_windows) {
          totalFunctions = 13;
        }
        if (_freebsd || _openbsd || _netbsd) {
          totalFunctions = 11;
        }
        if (_sunos) {
          totalFunctions = 6;
        }

        return () => {
          if (--totalFunctions === 0) {
            if (callback) {
              callback(data);
            }
            resolve(data);
          }
        };
      })();

      const data = {};

      // get time
      data.time = osInfo.time();

      /**
       * @namespace
       * @property {Object}  versions
       * @property {string}  versions.node
       * @property {string}  versions.v8
       */
      data.node = process.versions.node;
      data.v8 = process.versions.v8;

      cpu.cpuCurrentSpeed().then((res) => {
        data.cpuCurrentSpeed = res;
        functionProcessed();
      });

      users.users().then((res) => {
        data.users = res;
        functionProcessed();
      });

      processes.processes().then((res) => {
        data.processes = res;
        functionProcessed();
      });

      cpu.currentLoad().then((res) => {
        data.currentLoad = res;
        functionProcessed();
      });

      if (!_sunos) {
        cpu.cpuTemperature().then((res) => {
          data.temp = res;
          functionProcessed();
        });
      }

      if (!_openbsd && !_freebsd && !_netbsd && !_sunos) {
        network.networkStats(iface).then((res) => {
          data.networkStats = res;
          functionProcessed();
        });
      }

      if (!_sunos) {
        network.networkConnections().then((res) => {
          data.networkConnections = res;
          functionProcessed();
        });
      }

      memory.mem().then((res) => {
        data.mem = res;
        functionProcessed();
      });

      if (!_sunos) {
        battery().then((res) => {
          data.battery = res;
          functionProcessed();
        });
      }

      if (!_sunos) {
        processes.services(srv).then((res) => {
          data.services = res;
          functionProcessed();
        });
      }

      if (!_sunos) {
        filesystem.fsSize().then((res) => {
          data.fsSize = res;
          functionProcessed();
        });
      }

      if (!_windows && !_openbsd && !_freebsd && !_netbsd && !_sunos) {
        filesystem.fsStats().then((res) => {
          data.fsStats = res;
          functionProcessed();
        });
      }

      if (!_windows && !_openbsd && !_freebsd && !_netbsd && !_sunos) {
        filesystem.disksIO().then((res) => {
          data.disksIO = res;
          functionProcessed();
        });
      }

      if (!_openbsd && !_freebsd && !_netbsd && !_sunos) {
        wifi.wifiNetworks().then((res) => {
          data.wifiNetworks = res;
          functionProcessed();
        });
      }

      internet.inetLatency().then((res) => {
        data.inetLatency = res;
        functionProcessed();
      });
    });
  });
}

// --------------------------
// get all data at once
// --------------------------
// 2 additional parameters needed
// - srv: 		comma separated list of services to monitor e.g. "mysql, apache, postgresql"
// - iface:	define network interface for which you like to monitor network speed e.g. "eth0"

function getAllData(srv, iface, callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let data = {};

      if (iface && util.isFunction(iface) && !callback) {
        callback = iface;
        iface = '';
      }

      if (srv && util.isFunction(srv) && !iface && !callback) {
        callback = srv;
        srv = '';
        iface = '';
      }

      getStaticData().then((res) => {
        data = res;
        getDynamicData(srv, iface).then((res) => {
          for (const key in res) {
            if ({}.hasOwnProperty.call(res, key)) {
              data[key] = res[key];
            }
          }
          if (callback) {
            callback(data);
          }
          resolve(data);
        });
      });
    });
  });
}

function get(valueObject, callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      valueObject = valueObject || {};
      const blocked = ['get', 'getStaticData', 'getDynamicData', 'getAllData', 'observe', 'powerShellStart', 'powerShellRelease'];
      const isGettable = (key) => ({}).hasOwnProperty.call(exports, key) && typeof exports[key] === 'function' && typeof valueObject[key] === 'string' && blocked.indexOf(key) < 0;
      const allPromises = Object.keys(valueObject)
        .filter((func) => isGettable(func))
        .map((func) => {
          const params = valueObject[func].substring(valueObject[func].lastIndexOf('(') + 1, valueObject[func].lastIndexOf(')'));
          let funcWithoutParams = func.indexOf(')') >= 0 ? func.split(')')[1].trim() : func;
          funcWithoutParams = func.indexOf('|') >= 0 ? func.split('|')[0].trim() : funcWithoutParams;
          // a failing function yields an empty result for its key only
          try {
            return Promise.resolve(exports[funcWithoutParams](params || '')).catch(() => null);
          } catch {
            return Promise.resolve(null);
          }
        });

      Promise.all(allPromises).then((data) => {
        const result = {};
        let i = 0;
        for (const key in valueObject) {
          if ({}.hasOwnProperty.call(valueObject, key) && isGettable(key) && data.length > i) {
            if (valueObject[key] === '*' || valueObject[key] === 'all') {
              result[key] = data[i];
            } else {
              let keys = valueObject[key];
              let filter = '';
              let filterParts = [];
              // remove params
              if (keys.indexOf(')') >= 0) {
                keys = keys.split(')')[1].trim();
              }
              // extract filter and remove it from keys
              if (keys.indexOf('|') >= 0) {
                filter = keys.split('|')[1].trim();
                filterParts = filter.split(':');

                keys = keys.split('|')[0].trim();
              }
              keys = keys.replace(/,/g, ' ').replace(/ +/g, ' ').split(' ');
              if (data[i]) {
                if (Array.isArray(data[i])) {
                  // result is in an array, go through all elements of array and pick only the right ones
                  const partialArray = [];
                  data[i].forEach((element) => {
                    let partialRes = {};
                    if (keys.length === 1 && (keys[0] === '*' || keys[0] === 'all')) {
                      partialRes = element;
                    } else {
                      keys.forEach((k) => {
                        if ({}.hasOwnProperty.call(element, k)) {
                          partialRes[k] = element[k];
                        }
                      });
                    }
                    // if there is a filter, then just take those elements
                    if (filter && filterParts.length === 2) {
                      if ({}.hasOwnProperty.call(partialRes, filterParts[0].trim())) {
                        const val = partialRes[filterParts[0].trim()];
                        if (typeof val === 'number') {
                          if (val === parseFloat(filterParts[1].trim())) {
                            partialArray.push(partialRes);
                          }
                        } else if (typeof val === 'string') {
                          if (val.toLowerCase() === filterParts[1].trim().toLowerCase()) {
                            partialArray.push(partialRes);
                          }
                        }
                      }
                    } else {
                      partialArray.push(partialRes);
                    }
                  });
                  result[key] = partialArray;
                } else {
                  const partialRes = {};
                  keys.forEach((k) => {
                    if ({}.hasOwnProperty.call(data[i], k)) {
                      partialRes[k] = data[i][k];
                    }
                  });
                  result[key] = partialRes;
                }
              } else {
                result[key] = {};
              }
            }
            i++;
          }
        }
        if (callback) {
          callback(result);
        }
        resolve(result);
      });
    });
  });
}

function observe(valueObject, interval, callback) {
  callback = util.isFunction(callback) ? callback : null;
  if (!callback) {
    return null;
  }
  // setInterval falls back to 1 ms above this max
  interval = Math.min(Math.max(Number(interval) || 0, 500), 2147483647);
  let _data = null;

  const result = setInterval(() => {
    get(valueObject).then((data) => {
      if (JSON.stringify(_data) !== JSON.stringify(data)) {
        _data = Object.assign({}, data);
        callback(data);
      }
    });
  }, interval);
  return result;
}

// ----------------------------------------------------------------------------------
// export all libs
// ----------------------------------------------------------------------------------

exports.version = version;
exports.system = system.system;
exports.bios = system.bios;
exports.baseboard = system.baseboard;
exports.chassis = system.chassis;

exports.time = osInfo.time;
exports.osInfo = osInfo.osInfo;
exports.versions = osInfo.versions;
exports.shell = osInfo.shell;
exports.uuid = osInfo.uuid;

exports.cpu = cpu.cpu;
exports.cpuFlags = cpu.cpuFlags;
exports.cpuCache = cpu.cpuCache;
exports.cpuCurrentSpeed = cpu.cpuCurrentSpeed;
exports.cpuTemperature = cpu.cpuTemperature;
exports.currentLoad = cpu.currentLoad;
exports.fullLoad = cpu.fullLoad;

exports.mem = memory.mem;
exports.memLayout = memory.memLayout;

exports.battery = battery;

exports.graphics = graphics.graphics;

exports.fsSize = filesystem.fsSize;
exports.fsOpenFiles = filesystem.fsOpenFiles;
exports.blockDevices = filesystem.blockDevices;
exports.fsStats = filesystem.fsStats;
exports.disksIO = filesystem.disksIO;
exports.diskLayout = filesystem.diskLayout;

exports.networkInterfaceDefault = network.networkInterfaceDefault;
exports.networkGatewayDefault = network.networkGatewayDefault;
exports.networkInterfaces = network.networkInterfaces;
exports.networkStats = network.networkStats;
exports.networkConnections = network.networkConnections;

exports.wifiNetworks = wifi.wifiNetworks;
exports.wifiInterfaces = wifi.wifiInterfaces;
exports.wifiConnections = wifi.wifiConnections;

exports.services = processes.services;
exports.processes = processes.processes;
exports.processLoad = processes.processLoad;

exports.users = users.users;

exports.inetChecksite = internet.inetChecksite;
exports.inetLatency = internet.inetLatency;

exports.dockerInfo = docker.dockerInfo;
exports.dockerImages = docker.dockerImages;
exports.dockerContainers = docker.dockerContainers;
exports.dockerContainerStats = docker.dockerContainerStats;
exports.dockerContainerProcesses = docker.dockerContainerProcesses;
exports.dockerVolumes = docker.dockerVolumes;
exports.dockerAll = docker.dockerAll;

exports.vboxInfo = vbox.vboxInfo;

exports.printer = printer.printer;

exports.usb = usb.usb;

exports.audio = audio.audio;
exports.bluetoothDevices = bluetooth.bluetoothDevices;

exports.getStaticData = getStaticData;
exports.getDynamicData = getDynamicData;
exports.getAllData = getAllData;
exports.get = get;
exports.observe = observe;

exports.powerShellStart = util.powerShellStart;
exports.powerShellRelease = util.powerShellRelease;


/***/ }),

/***/ 921:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// internet.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 12. Internet
// ----------------------------------------------------------------------------------

const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

// --------------------------
// check if external site is available

function inetChecksite(url, callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        url: url,
        ok: false,
        status: 404,
        ms: null
      };
      if (typeof url !== 'string') {
        if (callback) {
          callback(result);
        }
        return resolve(result);
      }
      let urlSanitized = '';
      const s = util.sanitizeShellString(url, true);
      const l = util.mathMin(s.length, 2000);
      for (let i = 0; i <= l; i++) {
        if (s[i] !== undefined) {
          try {
            s[i].__proto__.toLowerCase = util.stringToLower;
          } catch {
            Object.setPrototypeOf(s[i], util.stringObj);
          }

          const sl = s[i].toLowerCase();
          if (sl && sl[0] && !sl[1] && sl[0].length === 1) {
            urlSanitized = urlSanitized + sl[0];
          }
        }
      }
      result.url = urlSanitized;
      try {
        if (urlSanitized && !util.isPrototypePolluted()) {
          try {
            urlSanitized.__proto__.startsWith = util.stringStartWith;
          } catch {
            Object.setPrototypeOf(urlSanitized, util.stringObj);
          }

          if (
            urlSanitized.startsWith('file:') ||
            urlSanitized.startsWith('gopher:') ||
            urlSanitized.startsWith('telnet:') ||
            urlSanitized.startsWith('mailto:') ||
            urlSanitized.startsWith('news:') ||
            urlSanitized.startsWith('nntp:')
          ) {
            if (callback) {
              callback(result);
            }
            return resolve(result);
          }

          util.checkWebsite(urlSanitized).then((res) => {
            result.status = res.statusCode;
            result.ok = res.statusCode >= 200 && res.statusCode <= 399;
            result.ms = result.ok ? res.time : null;
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      } catch {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.inetChecksite = inetChecksite;

// --------------------------
// check inet latency

function inetLatency(host, callback) {
  callback = util.isFunction(callback) ? callback : null;
  // fallback - if only callback is given
  if (util.isFunction(host) && !callback) {
    callback = host;
    host = '';
  }

  host = host || '8.8.8.8';

  return new Promise((resolve) => {
    process.nextTick(() => {
      if (typeof host !== 'string') {
        if (callback) {
          callback(null);
        }
        return resolve(null);
      }
      let hostSanitized = '';
      const s = (util.isPrototypePolluted() ? '8.8.8.8' : util.sanitizeShellString(host, true)).trim();
      const l = util.mathMin(s.length, 2000);
      for (let i = 0; i <= l; i++) {
        if (!(s[i] === undefined)) {
          try {
            s[i].__proto__.toLowerCase = util.stringToLower;
          } catch {
            Object.setPrototypeOf(s[i], util.stringObj);
          }

          const sl = s[i].toLowerCase();
          if (sl && sl[0] && !sl[1]) {
            hostSanitized = hostSanitized + sl[0];
          }
        }
      }
      try {
        hostSanitized.__proto__.startsWith = util.stringStartWith;
      } catch {
        Object.setPrototypeOf(hostSanitized, util.stringObj);
      }

      if (
        hostSanitized.startsWith('file:') ||
        hostSanitized.startsWith('gopher:') ||
        hostSanitized.startsWith('telnet:') ||
        hostSanitized.startsWith('mailto:') ||
        hostSanitized.startsWith('news:') ||
        hostSanitized.startsWith('nntp:')
      ) {
        if (callback) {
          callback(null);
        }
        return resolve(null);
      }
      if (hostSanitized.startsWith('-')) {
        if (callback) {
          callback(null);
        }
        return resolve(null);
      }
      let params;
      if (_linux || _freebsd || _openbsd || _netbsd || _darwin) {
        if (_linux) {
          params = ['-c', '2', '-w', '3', hostSanitized];
        }
        if (_freebsd || _openbsd || _netbsd) {
          params = ['-c', '2', '-t', '3', hostSanitized];
        }
        if (_darwin) {
          params = ['-c2', '-t3', hostSanitized];
        }
        util.execSafe('ping', params).then((stdout) => {
          let result = null;
          if (stdout) {
            const lines = stdout
              .split('\n')
              .filter((line) => line.indexOf('rtt') >= 0 || line.indexOf('round-trip') >= 0 || line.indexOf('avg') >= 0)
              .join('\n');

            const line = lines.split('=');
            if (line.length > 1) {
              const parts = line[1].split('/');
              if (parts.length > 1) {
                result = parseFloat(parts[1]);
              }
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        const params = ['-s', '-a', hostSanitized, '56', '2'];
        const filt = 'avg';
        util.execSafe('ping', params, { timeout: 3000 }).then((stdout) => {
          let result = null;
          if (stdout) {
            const lines = stdout
              .split('\n')
              .filter((line) => line.indexOf(filt) >= 0)
              .join('\n');
            const line = lines.split('=');
            if (line.length > 1) {
              const parts = line[1].split('/');
              if (parts.length > 1) {
                result = parseFloat(parts[1].replace(',', '.'));
              }
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        let result = null;
        try {
          const params = [hostSanitized, '-n', '1'];
          util.execSafe('ping', params, util.execOptsWin).then((stdout) => {
            if (stdout) {
              const lines = stdout.split('\r\n');
              lines.shift();
              lines.forEach((line) => {
                if ((line.toLowerCase().match(/ms/g) || []).length === 3) {
                  let l = line.replace(/ +/g, ' ').split(' ');
                  if (l.length > 6) {
                    result = parseFloat(l[l.length - 1]);
                  }
                }
              });
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.inetLatency = inetLatency;


/***/ }),

/***/ 251:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// memory.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 5. Memory
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const util = __nccwpck_require__(796);
const fs = __nccwpck_require__(896);

let _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

const RAM_manufacturers = {
  '00CE': 'Samsung Electronics Inc',
  '014F': 'Transcend Information Inc.',
  '017A': 'Apacer Technology Inc.',
  '0198': 'HyperX',
  '029E': 'Corsair',
  '02FE': 'Elpida',
  '04CB': 'A-DATA',
  '04CD': 'G.Skill International Enterprise',
  '059B': 'Crucial',
  1315: 'Crucial',
  '2C00': 'Micron Technology Inc.',
  5105: 'Qimonda AG i. In.',
  '802C': 'Micron Technology Inc.',
  '80AD': 'Hynix Semiconductor Inc.',
  '80CE': 'Samsung Electronics Inc.',
  8551: 'Qimonda AG i. In.',
  '859B': 'Crucial',
  AD00: 'Hynix Semiconductor Inc.',
  CE00: 'Samsung Electronics Inc.',
  SAMSUNG: 'Samsung Electronics Inc.',
  HYNIX: 'Hynix Semiconductor Inc.',
  'G-SKILL': 'G-Skill International Enterprise',
  'G.SKILL': 'G-Skill International Enterprise',
  TRANSCEND: 'Transcend Information',
  APACER: 'Apacer Technology Inc',
  MICRON: 'Micron Technology Inc.',
  QIMONDA: 'Qimonda AG i. In.'
};

// _______________________________________________________________________________________
// |                         R A M                              |          H D           |
// |______________________|_________________________|           |                        |
// |        active             buffers/cache        |           |                        |
// |________________________________________________|___________|_________|______________|
// |                     used                            free   |   used       free      |
// |____________________________________________________________|________________________|
// |                        total                               |          swap          |
// |____________________________________________________________|________________________|

// free (older versions)
// ----------------------------------
// # free
//              total       used        free     shared    buffers     cached
// Mem:         16038 (1)   15653 (2)   384 (3)  0 (4)     236 (5)     14788 (6)
// -/+ buffers/cache:       628 (7)     15409 (8)
// Swap:        16371         83      16288
//
// |------------------------------------------------------------|
// |                           R A M                            |
// |______________________|_____________________________________|
// | active (2-(5+6) = 7) |  available (3+5+6 = 8)              |
// |______________________|_________________________|___________|
// |        active        |  buffers/cache (5+6)    |           |
// |________________________________________________|___________|
// |                   used (2)                     | free (3)  |
// |____________________________________________________________|
// |                          total (1)                         |
// |____________________________________________________________|

//
// free (since free von procps-ng 3.3.10)
// ----------------------------------
// # free
//              total       used        free     shared    buffers/cache   available
// Mem:         16038 (1)   628 (2)     386 (3)  0 (4)     15024 (5)     14788 (6)
// Swap:        16371         83      16288
//
// |------------------------------------------------------------|
// |                           R A M                            |
// |______________________|_____________________________________|
// |                      |      available (6) estimated        |
// |______________________|_________________________|___________|
// |     active (2)       |   buffers/cache (5)     | free (3)  |
// |________________________________________________|___________|
// |                          total (1)                         |
// |____________________________________________________________|
//
// Reference: http://www.software-architect.net/blog/article/date/2015/06/12/-826c6e5052.html

// /procs/meminfo - sample (all in kB)
//
// MemTotal: 32806380 kB
// MemFree: 17977744 kB
// MemAvailable: 19768972 kB
// Buffers: 517028 kB
// Cached: 2161876 kB
// SwapCached: 456 kB
// Active: 12081176 kB
// Inactive: 2164616 kB
// Active(anon): 10832884 kB
// Inactive(anon): 1477272 kB
// Active(file): 1248292 kB
// Inactive(file): 687344 kB
// Unevictable: 0 kB
// Mlocked: 0 kB
// SwapTotal: 16768892 kB
// SwapFree: 16768304 kB
// Dirty: 268 kB
// Writeback: 0 kB
// AnonPages: 11568832 kB
// Mapped: 719992 kB
// Shmem: 743272 kB
// Slab: 335716 kB
// SReclaimable: 256364 kB
// SUnreclaim: 79352 kB

function mem(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        total: os.totalmem(),
        free: os.freemem(),
        used: os.totalmem() - os.freemem(),

        active: os.totalmem() - os.freemem(), // temporarily (fallback)
        available: os.freemem(), // temporarily (fallback)
        buffers: 0,
        cached: 0,
        slab: 0,
        buffcache: 0,
        reclaimable: 0,

        swaptotal: 0,
        swapused: 0,
        swapfree: 0,
        writeback: null,
        dirty: null
      };

      if (_linux) {
        try {
          fs.readFile('/proc/meminfo', (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');
              result.total = parseInt(util.getValue(lines, 'memtotal'), 10);
              result.total = result.total ? result.total * 1024 : os.totalmem();
              result.free = parseInt(util.getValue(lines, 'memfree'), 10);
              result.free = result.free ? result.free * 1024 : os.freemem();
              result.used = result.total - result.free;

              result.buffers = parseInt(util.getValue(lines, 'buffers'), 10);
              result.buffers = result.buffers ? result.buffers * 1024 : 0;
              result.cached = parseInt(util.getValue(lines, 'cached'), 10);
              result.cached = result.cached ? result.cached * 1024 : 0;
              result.slab = parseInt(util.getValue(lines, 'slab'), 10);
              result.slab = result.slab ? result.slab * 1024 : 0;
              result.buffcache = result.buffers + result.cached + result.slab;

              let available = parseInt(util.getValue(lines, 'memavailable'), 10);
              result.available = available ? available * 1024 : result.free + result.buffcache;
              result.active = result.total - result.available;

              result.swaptotal = parseInt(util.getValue(lines, 'swaptotal'), 10);
              result.swaptotal = result.swaptotal ? result.swaptotal * 1024 : 0;
              result.swapfree = parseInt(util.getValue(lines, 'swapfree'), 10);
              result.swapfree = result.swapfree ? result.swapfree * 1024 : 0;
              result.swapused = result.swaptotal - result.swapfree;
              result.writeback = parseInt(util.getValue(lines, 'writeback'), 10);
              result.writeback = result.writeback ? result.writeback * 1024 : 0;
              result.dirty = parseInt(util.getValue(lines, 'dirty'), 10);
              result.dirty = result.dirty ? result.dirty * 1024 : 0;
              result.reclaimable = parseInt(util.getValue(lines, 'sreclaimable'), 10);
              result.reclaimable = result.reclaimable ? result.reclaimable * 1024 : 0;
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_freebsd || _openbsd || _netbsd) {
        try {
          exec(
            '/sbin/sysctl hw.realmem hw.physmem vm.stats.vm.v_page_count vm.stats.vm.v_wire_count vm.stats.vm.v_active_count vm.stats.vm.v_inactive_count vm.stats.vm.v_cache_count vm.stats.vm.v_free_count vm.stats.vm.v_page_size',
            (error, stdout) => {
              if (!error) {
                const lines = stdout.toString().split('\n');
                const pagesize = parseInt(util.getValue(lines, 'vm.stats.vm.v_page_size'), 10);
                const inactive = parseInt(util.getValue(lines, 'vm.stats.vm.v_inactive_count'), 10) * pagesize;
                const cache = parseInt(util.getValue(lines, 'vm.stats.vm.v_cache_count'), 10) * pagesize;

                result.total = parseInt(util.getValue(lines, 'hw.realmem'), 10);
                if (isNaN(result.total)) {
                  result.total = parseInt(util.getValue(lines, 'hw.physmem'), 10);
                }
                result.free = parseInt(util.getValue(lines, 'vm.stats.vm.v_free_count'), 10) * pagesize;
                result.buffcache = inactive + cache;
                result.available = result.buffcache + result.free;
                result.active = result.total - result.free - result.buffcache;

                result.swaptotal = 0;
                result.swapfree = 0;
                result.swapused = 0;
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          );
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_darwin) {
        let pageSize = 4096;
        try {
          let sysPpageSize = util.toInt(execSync('sysctl -n vm.pagesize').toString());
          pageSize = sysPpageSize || pageSize;
        } catch {
          util.noop();
        }
        try {
          exec('vm_stat 2>/dev/null | egrep "Pages active|Pages inactive|Pages speculative|Pages wired down|Pages occupied by compressor|Pages purgeable|File-backed pages|Anonymous pages"', (error, stdout) => {
            if (!error) {
              let lines = stdout.toString().split('\n');
              const wired = (parseInt(util.getValue(lines, 'Pages wired down'), 10) || 0) * pageSize;
              const compressed = (parseInt(util.getValue(lines, 'Pages occupied by compressor'), 10) || 0) * pageSize; 
              const purgeable = (parseInt(util.getValue(lines, 'Pages purgeable'), 10) || 0) * pageSize;
              const anonymous = (parseInt(util.getValue(lines, 'Anonymous pages'), 10) || 0) * pageSize;

              result.active = anonymous - purgeable + wired + compressed;
              result.reclaimable = (parseInt(util.getValue(lines, 'Pages inactive'), 10) || 0) * pageSize;
              result.buffcache = result.used - result.active;
              result.available = result.free + result.buffcache;

            }
            exec('sysctl -n vm.swapusage 2>/dev/null', (error, stdout) => {
              if (!error) {
                let lines = stdout.toString().split('\n');
                if (lines.length > 0) {
                  let firstline = lines[0].replace(/,/g, '.').replace(/M/g, '');
                  let lineArray = firstline.trim().split('  ');
                  lineArray.forEach((line) => {
                    if (line.toLowerCase().indexOf('total') !== -1) {
                      result.swaptotal = parseFloat(line.split('=')[1].trim()) * 1024 * 1024;
                    }
                    if (line.toLowerCase().indexOf('used') !== -1) {
                      result.swapused = parseFloat(line.split('=')[1].trim()) * 1024 * 1024;
                    }
                    if (line.toLowerCase().indexOf('free') !== -1) {
                      result.swapfree = parseFloat(line.split('=')[1].trim()) * 1024 * 1024;
                    }
                  });
                }
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_windows) {
        let swaptotal = 0;
        let swapused = 0;
        try {
          util.powerShell('Get-CimInstance Win32_PageFileUsage | Select AllocatedBaseSize, CurrentUsage').then((stdout, error) => {
            if (!error) {
              let lines = stdout
                .split('\r\n')
                .filter((line) => line.trim() !== '')
                .filter((line, idx) => idx > 0);
              lines.forEach((line) => {
                if (line !== '') {
                  line = line.trim().split(/\s\s+/);
                  swaptotal = swaptotal + (parseInt(line[0], 10) || 0);
                  swapused = swapused + (parseInt(line[1], 10) || 0);
                }
              });
            }
            result.swaptotal = swaptotal * 1024 * 1024;
            result.swapused = swapused * 1024 * 1024;
            result.swapfree = result.swaptotal - result.swapused;

            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.mem = mem;

function memLayout(callback) {
  callback = util.isFunction(callback) ? callback : null;
  function getManufacturer(manId) {
    const manIdSearch = manId.replace('0x', '').toUpperCase();
    if (manIdSearch.length >= 4 && {}.hasOwnProperty.call(RAM_manufacturers, manIdSearch)) {
      return RAM_manufacturers[manIdSearch];
    }
    return manId;
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = [];

      if (_linux || _freebsd || _openbsd || _netbsd) {
        exec(
          'export LC_ALL=C; dmidecode -t memory 2>/dev/null | grep -iE "Size:|Type|Speed|Manufacturer|Form Factor|Locator|Memory Device|Serial Number|Voltage|Part Number"; unset LC_ALL',
          (error, stdout) => {
            if (!error) {
              const devices = stdout.toString().split('Memory Device');
              devices.shift();
              devices.forEach((device) => {
                const lines = device.split('\n');
                const sizeString = util.getValue(lines, 'Size');
                const size = sizeString.indexOf('GB') >= 0 ? parseInt(sizeString, 10) * 1024 * 1024 * 1024 : parseInt(sizeString, 10) * 1024 * 1024;
                let bank = util.getValue(lines, 'Bank Locator');
                if (bank.toLowerCase().indexOf('bad') >= 0) {
                  bank = '';
                }
                if (parseInt(util.getValue(lines, 'Size'), 10) > 0) {
                  const totalWidth = util.toInt(util.getValue(lines, 'Total Width'));
                  const dataWidth = util.toInt(util.getValue(lines, 'Data Width'));
                  result.push({
                    size,
                    bank,
                    type: util.getValue(lines, 'Type:'),
                    ecc: dataWidth && totalWidth ? totalWidth > dataWidth : false,
                    // dmidecode >= 3.1 renamed "Configured Clock Speed" to "Configured Memory Speed" - without
                    // the new label this silently fell back to Speed, the rated instead of the running speed
                    clockSpeed: util.toInt(util.getValue(lines, 'Configured Memory Speed:')) || util.toInt(util.getValue(lines, 'Configured Clock Speed:')) || util.toInt(util.getValue(lines, 'Speed:')) || null,
                    formFactor: util.getValue(lines, 'Form Factor:'),
                    manufacturer: getManufacturer(util.getValue(lines, 'Manufacturer:')),
                    partNum: util.getValue(lines, 'Part Number:'),
                    serialNum: util.getValue(lines, 'Serial Number:'),
                    voltageConfigured: parseFloat(util.getValue(lines, 'Configured Voltage:')) || null,
                    voltageMin: parseFloat(util.getValue(lines, 'Minimum Voltage:')) || null,
                    voltageMax: parseFloat(util.getValue(lines, 'Maximum Voltage:')) || null
                  });
                } else {
                  result.push({
                    size: 0,
                    bank,
                    type: 'Empty',
                    ecc: null,
                    clockSpeed: 0,
                    formFactor: util.getValue(lines, 'Form Factor:'),
                    manufacturer: '',
                    partNum: '',
                    serialNum: '',
                    voltageConfigured: null,
                    voltageMin: null,
                    voltageMax: null
                  });
                }
              });
            }
            if (!result.length) {
              result.push({
                size: os.totalmem(),
                bank: '',
                type: '',
                ecc: null,
                clockSpeed: 0,
                formFactor: '',
                partNum: '',
                serialNum: '',
                voltageConfigured: null,
                voltageMin: null,
                voltageMax: null
              });

              // Try Raspberry PI
              try {
                let stdout = execSync('cat /proc/cpuinfo 2>/dev/null', util.execOptsLinux);
                let lines = stdout.toString().split('\n');
                let version = util.getValue(lines, 'revision', ':', true).toLowerCase();

                if (util.isRaspberry(lines)) {
                  const clockSpeed = {
                    0: 400,
                    1: 450,
                    2: 450,
                    3: 3200,
                    4: 4267
                  };
                  result[0].type = 'LPDDR2';
                  result[0].type = version && version[2] && version[2] === '3' ? 'LPDDR4' : result[0].type;
                  result[0].type = version && version[2] && version[2] === '4' ? 'LPDDR4X' : result[0].type;
                  result[0].ecc = false;
                  result[0].clockSpeed = (version && version[2] && clockSpeed[version[2]]) || 400;
                  result[0].clockSpeed = version && version[4] && version[4] === 'd' ? 500 : result[0].clockSpeed;
                  result[0].formFactor = 'SoC';

                  stdout = execSync('vcgencmd get_config sdram_freq 2>/dev/null', util.execOptsLinux);
                  lines = stdout.toString().split('\n');
                  let freq = parseInt(util.getValue(lines, 'sdram_freq', '=', true), 10) || 0;
                  if (freq) {
                    result[0].clockSpeed = freq;
                  }

                  stdout = execSync('vcgencmd measure_volts sdram_p 2>/dev/null', util.execOptsLinux);
                  lines = stdout.toString().split('\n');
                  let voltage = parseFloat(util.getValue(lines, 'volt', '=', true)) || 0;
                  if (voltage) {
                    result[0].voltageConfigured = voltage;
                    result[0].voltageMin = voltage;
                    result[0].voltageMax = voltage;
                  }
                }
              } catch {
                util.noop();
              }
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        );
      }

      if (_darwin) {
        exec('system_profiler SPMemoryDataType', (error, stdout) => {
          if (!error) {
            const allLines = stdout.toString().split('\n');
            const eccStatus = util.getValue(allLines, 'ecc', ':', true).toLowerCase();
            let devices = stdout.toString().split('        BANK ');
            let hasBank = true;
            if (devices.length === 1) {
              devices = stdout.toString().split('        DIMM');
              hasBank = false;
            }
            devices.shift();
            devices.forEach((device) => {
              const lines = device.split('\n');
              const bank = (hasBank ? 'BANK ' : 'DIMM') + lines[0].trim().split('/')[0];
              const sizeString = util.getValue(lines, '          Size');
              const size = parseInt(sizeString);
              const sizeUnit = sizeString.toLowerCase().indexOf('mb') >= 0 ? 1024 * 1024 : sizeString.toLowerCase().indexOf('tb') >= 0 ? 1024 * 1024 * 1024 * 1024 : 1024 * 1024 * 1024;
              if (size) {
                result.push({
                  size: size * sizeUnit,
                  bank: bank,
                  type: util.getValue(lines, '          Type:'),
                  ecc: eccStatus ? eccStatus === 'enabled' : null,
                  clockSpeed: parseInt(util.getValue(lines, '          Speed:'), 10),
                  formFactor: '',
                  manufacturer: getManufacturer(util.getValue(lines, '          Manufacturer:')),
                  partNum: util.getValue(lines, '          Part Number:'),
                  serialNum: util.getValue(lines, '          Serial Number:'),
                  voltageConfigured: null,
                  voltageMin: null,
                  voltageMax: null
                });
              } else {
                result.push({
                  size: 0,
                  bank: bank,
                  type: 'Empty',
                  ecc: null,
                  clockSpeed: 0,
                  formFactor: '',
                  manufacturer: '',
                  partNum: '',
                  serialNum: '',
                  voltageConfigured: null,
                  voltageMin: null,
                  voltageMax: null
                });
              }
            });
          }
          if (!result.length) {
            const lines = stdout.toString().split('\n');
            const size = parseInt(util.getValue(lines, '      Memory:'));
            const type = util.getValue(lines, '      Type:');
            const manufacturerId = util.getValue(lines, '      Manufacturer:');
            if (size && type) {
              result.push({
                size: size * 1024 * 1024 * 1024,
                bank: '0',
                type,
                ecc: false,
                clockSpeed: null,
                formFactor: 'SOC',
                manufacturer: getManufacturer(manufacturerId),
                partNum: '',
                serialNum: '',
                voltageConfigured: null,
                voltageMin: null,
                voltageMax: null
              });
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        // https://www.dmtf.org/sites/default/files/standards/documents/DSP0134_3.4.0a.pdf
        const memoryTypes =
          'Unknown|Other|DRAM|Synchronous DRAM|Cache DRAM|EDO|EDRAM|VRAM|SRAM|RAM|ROM|FLASH|EEPROM|FEPROM|EPROM|CDRAM|3DRAM|SDRAM|SGRAM|RDRAM|DDR|DDR2|DDR2 FB-DIMM|Reserved|DDR3|FBD2|DDR4|LPDDR|LPDDR2|LPDDR3|LPDDR4|Logical non-volatile device|HBM|HBM2|DDR5|LPDDR5'.split(
            '|'
          );
        const FormFactors = 'Unknown|Other|SIP|DIP|ZIP|SOJ|Proprietary|SIMM|DIMM|TSOP|PGA|RIMM|SODIMM|SRIMM|SMD|SSMP|QFP|TQFP|SOIC|LCC|PLCC|BGA|FPBGA|LGA'.split('|');

        try {
          util
            .powerShell(
              'Get-CimInstance Win32_PhysicalMemory | select DataWidth,TotalWidth,Capacity,BankLabel,MemoryType,SMBIOSMemoryType,ConfiguredClockSpeed,Speed,FormFactor,Manufacturer,PartNumber,SerialNumber,ConfiguredVoltage,MinVoltage,MaxVoltage,Tag | fl'
            )
            .then((stdout, error) => {
              if (!error) {
                const devices = stdout.toString().split(/\n\s*\n/);
                devices.shift();
                devices.forEach((device) => {
                  const lines = device.split('\r\n');
                  const dataWidth = util.toInt(util.getValue(lines, 'DataWidth', ':'));
                  const totalWidth = util.toInt(util.getValue(lines, 'TotalWidth', ':'));
                  const size = parseInt(util.getValue(lines, 'Capacity', ':'), 10) || 0;
                  const tag = util.getValue(lines, 'Tag', ':');
                  const tagInt = util.splitByNumber(tag);
                  if (size) {
                    result.push({
                      size,
                      bank: util.getValue(lines, 'BankLabel', ':') + (tagInt[1] ? '/' + tagInt[1] : ''), // BankLabel
                      type: memoryTypes[parseInt(util.getValue(lines, 'MemoryType', ':'), 10) || parseInt(util.getValue(lines, 'SMBIOSMemoryType', ':'), 10) || 0],
                      ecc: dataWidth && totalWidth ? totalWidth > dataWidth : false,
                      clockSpeed: parseInt(util.getValue(lines, 'ConfiguredClockSpeed', ':'), 10) || parseInt(util.getValue(lines, 'Speed', ':'), 10) || 0,
                      formFactor: FormFactors[parseInt(util.getValue(lines, 'FormFactor', ':'), 10) || 0],
                      manufacturer: getManufacturer(util.getValue(lines, 'Manufacturer', ':')),
                      partNum: util.getValue(lines, 'PartNumber', ':'),
                      serialNum: util.getValue(lines, 'SerialNumber', ':'),
                      voltageConfigured: (parseInt(util.getValue(lines, 'ConfiguredVoltage', ':'), 10) || 0) / 1000.0,
                      voltageMin: (parseInt(util.getValue(lines, 'MinVoltage', ':'), 10) || 0) / 1000.0,
                      voltageMax: (parseInt(util.getValue(lines, 'MaxVoltage', ':'), 10) || 0) / 1000.0
                    });
                  }
                });
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.memLayout = memLayout;


/***/ }),

/***/ 536:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// network.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 9. Network
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const execFileSync = (__nccwpck_require__(317).execFileSync);
const readFileSync = (__nccwpck_require__(896).readFileSync);

const fs = __nccwpck_require__(896);
const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

const _network = Object.create(null);
let _default_iface = '';
let _ifaces = {};
let _dhcpNics = [];
let _networkInterfaces = [];
let _mac = {};
let pathToIp;

function getDefaultNetworkInterface() {
  let ifacename = '';
  let ifacenameFirst = '';
  try {
    const ifaces = os.networkInterfaces();

    let scopeid = 9999;

    // fallback - "first" external interface (sorted by scopeid)
    for (const dev in ifaces) {
      if ({}.hasOwnProperty.call(ifaces, dev)) {
        ifaces[dev].forEach((details) => {
          if (details && details.internal === false) {
            ifacenameFirst = ifacenameFirst || dev; // fallback if no scopeid
            if (details.scopeid && details.scopeid < scopeid) {
              ifacename = dev;
              scopeid = details.scopeid;
            }
          }
        });
      }
    }
    ifacename = ifacename || ifacenameFirst || '';

    if (_windows) {
      // https://www.inetdaemon.com/tutorials/internet/ip/routing/default_route.shtml
      let defaultIp = '';
      const cmd = 'netstat -r';
      const result = execSync(cmd, util.execOptsWin);
      const lines = result.toString().split(os.EOL);
      lines.forEach((line) => {
        line = line.replace(/\s+/g, ' ').trim();
        if (line.indexOf('0.0.0.0 0.0.0.0') > -1 && !/[a-zA-Z]/.test(line)) {
          const parts = line.split(' ');
          if (parts.length >= 5) {
            defaultIp = parts[parts.length - 2];
          }
        }
      });
      if (defaultIp) {
        for (const dev in ifaces) {
          if ({}.hasOwnProperty.call(ifaces, dev)) {
            ifaces[dev].forEach((details) => {
              if (details && details.address && details.address === defaultIp) {
                ifacename = dev;
              }
            });
          }
        }
      }
    }
    if (_linux) {
      const cmd = 'ip route 2> /dev/null | grep default';
      const result = execSync(cmd, util.execOptsLinux);
      const parts = result.toString().split('\n')[0].split(/\s+/);
      if (parts[0] === 'none' && parts[5]) {
        ifacename = parts[5];
      } else if (parts[4]) {
        ifacename = parts[4];
      }

      if (ifacename.indexOf(':') > -1) {
        ifacename = ifacename.split(':')[1].trim();
      }
    }
    if (_darwin || _freebsd || _openbsd || _netbsd || _sunos) {
      let cmd = '';
      if (_linux) {
        cmd = "ip route 2> /dev/null | grep default | awk '{print $5}'";
      }
      if (_darwin) {
        cmd = "route -n get default 2>/dev/null | grep interface: | awk '{print $2}'";
      }
      if (_freebsd || _openbsd || _netbsd || _sunos) {
        cmd = 'route get 0.0.0.0 | grep interface:';
      }
      const result = execSync(cmd);
      ifacename = result.toString().split('\n')[0];
      if (ifacename.indexOf(':') > -1) {
        ifacename = ifacename.split(':')[1].trim();
      }
    }
  } catch {
    util.noop();
  }
  if (ifacename) {
    _default_iface = ifacename;
  }
  return _default_iface;
}

exports.getDefaultNetworkInterface = getDefaultNetworkInterface;

function getMacAddresses() {
  let iface = '';
  let mac = '';
  const result = {};
  if (_linux || _freebsd || _openbsd || _netbsd) {
    if (typeof pathToIp === 'undefined') {
      try {
        const ipPath = execSync('which ip', util.execOptsLinux).toString().split('\n')[0].trim();
        // path is interpolated into a shell command - allow only safe characters
        if (/^\/[A-Za-z0-9/_.+-]+$/.test(ipPath)) {
          pathToIp = ipPath;
        } else {
          pathToIp = '';
        }
      } catch {
        pathToIp = '';
      }
    }
    try {
      const cmd = 'export LC_ALL=C; ' + (pathToIp ? pathToIp + ' link show up' : '/sbin/ifconfig') + '; unset LC_ALL';
      const res = execSync(cmd, util.execOptsLinux);
      const lines = res.toString().split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (lines[i] && lines[i][0] !== ' ') {
          if (pathToIp) {
            const nextline = (lines[i + 1] || '').trim().split(' ');
            if (nextline[0] === 'link/ether') {
              iface = lines[i].split(' ')[1];
              iface = iface.slice(0, iface.length - 1);
              mac = nextline[1];
            }
          } else {
            iface = lines[i].split(' ')[0];
            mac = lines[i].split('HWaddr ')[1];
          }

          if (iface && mac) {
            result[iface] = mac.trim();
            iface = '';
            mac = '';
          }
        }
      }
    } catch {
      util.noop();
    }
  }
  if (_darwin) {
    try {
      const cmd = '/sbin/ifconfig';
      const res = execSync(cmd);
      const lines = res.toString().split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (lines[i] && lines[i][0] !== '\t' && lines[i].indexOf(':') > 0) {
          iface = lines[i].split(':')[0];
        } else if (lines[i].indexOf('\tether ') === 0) {
          mac = lines[i].split('\tether ')[1];
          if (iface && mac) {
            result[iface] = mac.trim();
            iface = '';
            mac = '';
          }
        }
      }
    } catch {
      util.noop();
    }
  }
  return result;
}

exports.getMacAddresses = getMacAddresses;

function networkInterfaceDefault(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = getDefaultNetworkInterface();
      if (callback) {
        callback(result);
      }
      resolve(result);
    });
  });
}

exports.networkInterfaceDefault = networkInterfaceDefault;

// --------------------------
// NET - interfaces

function parseLinesWindowsNics(sections, nconfigsections) {
  const nics = [];
  for (const i in sections) {
    try {
      if ({}.hasOwnProperty.call(sections, i)) {
        if (sections[i].trim() !== '') {
          const lines = sections[i].trim().split('\r\n');
          let linesNicConfig = null;
          try {
            linesNicConfig = nconfigsections && nconfigsections[i] ? nconfigsections[i].trim().split('\r\n') : [];
          } catch {
            util.noop();
          }
          const netEnabled = util.getValue(lines, 'NetEnabled', ':');
          let adapterType = util.getValue(lines, 'AdapterTypeID', ':') === '9' ? 'wireless' : 'wired';
          const ifacename = util.getValue(lines, 'Name', ':').replace(/\]/g, ')').replace(/\[/g, '(');
          const iface = util.getValue(lines, 'NetConnectionID', ':').replace(/\]/g, ')').replace(/\[/g, '(');
          if (ifacename.toLowerCase().indexOf('wi-fi') >= 0 || ifacename.toLowerCase().indexOf('wireless') >= 0) {
            adapterType = 'wireless';
          }
          if (netEnabled !== '') {
            const speed = parseInt(util.getValue(lines, 'speed', ':').trim(), 10) / 1000000;
            nics.push({
              mac: util.getValue(lines, 'MACAddress', ':').toLowerCase(),
              dhcp: util.getValue(linesNicConfig, 'dhcpEnabled', ':').toLowerCase() === 'true',
              name: ifacename,
              iface,
              netEnabled: netEnabled === 'TRUE',
              speed: isNaN(speed) ? null : speed,
              operstate: util.getValue(lines, 'NetConnectionStatus', ':') === '2' ? 'up' : 'down',
              type: adapterType
            });
          }
        }
      }
    } catch {
      util.noop();
    }
  }
  return nics;
}

function getWindowsNics() {
  return new Promise((resolve) => {
    process.nextTick(() => {
      let cmd = 'Get-CimInstance Win32_NetworkAdapter | fl *' + "; echo '#-#-#-#';";
      cmd += 'Get-CimInstance Win32_NetworkAdapterConfiguration | fl DHCPEnabled' + '';
      try {
        util.powerShell(cmd).then((data) => {
          data = data.split('#-#-#-#');
          const nsections = (data[0] || '').split(/\n\s*\n/);
          const nconfigsections = (data[1] || '').split(/\n\s*\n/);
          resolve(parseLinesWindowsNics(nsections, nconfigsections));
        });
      } catch {
        resolve([]);
      }
    });
  });
}

function getWindowsDNSsuffixes() {
  let iface = {};

  const dnsSuffixes = {
    primaryDNS: '',
    exitCode: 0,
    ifaces: []
  };

  try {
    const ipconfig = execSync('ipconfig /all', util.execOptsWin);
    const ipconfigArray = ipconfig.split('\r\n\r\n');

    ipconfigArray.forEach((element, index) => {
      if (index === 1) {
        const longPrimaryDNS = element.split('\r\n').filter((element) => {
          return element.toUpperCase().includes('DNS');
        });
        const primaryDNS = longPrimaryDNS[0].substring(longPrimaryDNS[0].lastIndexOf(':') + 1);
        dnsSuffixes.primaryDNS = primaryDNS.trim();
        if (!dnsSuffixes.primaryDNS) {
          dnsSuffixes.primaryDNS = 'Not defined';
        }
      }
      if (index > 1) {
        if (index % 2 === 0) {
          const name = element.substring(element.lastIndexOf(' ') + 1).replace(':', '');
          iface.name = name;
        } else {
          const connectionSpecificDNS = element.split('\r\n').filter((element) => {
            return element.toUpperCase().includes('DNS');
          });
          const dnsSuffix = connectionSpecificDNS[0].substring(connectionSpecificDNS[0].lastIndexOf(':') + 1);
          iface.dnsSuffix = dnsSuffix.trim();
          dnsSuffixes.ifaces.push(iface);
          iface = {};
        }
      }
    });

    return dnsSuffixes;
  } catch {
    return {
      primaryDNS: '',
      exitCode: 0,
      ifaces: []
    };
  }
}

function getWindowsIfaceDNSsuffix(ifaces, ifacename) {
  let dnsSuffix = '';
  // Adding (.) to ensure ifacename compatibility when duplicated iface-names
  const interfaceName = ifacename + '.';
  try {
    const connectionDnsSuffix = ifaces
      .filter((iface) => {
        return interfaceName.includes(iface.name + '.');
      })
      .map((iface) => iface.dnsSuffix);
    if (connectionDnsSuffix[0]) {
      dnsSuffix = connectionDnsSuffix[0];
    }
    if (!dnsSuffix) {
      dnsSuffix = '';
    }
    return dnsSuffix;
  } catch {
    return 'Unknown';
  }
}

function getWindowsWiredProfilesInformation() {
  try {
    const result = execSync('netsh lan show profiles', util.execOptsWin);
    const profileList = result.split('\r\nProfile on interface');
    return profileList;
  } catch (error) {
    if (error.status === 1 && error.stdout.includes('AutoConfig')) {
      return 'Disabled';
    }
    return [];
  }
}

function getWindowsWirelessIfaceSSID(interfaceName) {
  try {
    const result = execFileSync('netsh', ['wlan', 'show', 'interface', `name=${util.sanitizeString(interfaceName)}`], util.execOptsWin).toString();
    const SSID = result.split('\r\n').find((l) => l.includes('SSID')) || '';
    const parseSSID = SSID.split(':').pop().trim();
    return parseSSID;
  } catch {
    return 'Unknown';
  }
}
function getWindowsIEEE8021x(connectionType, iface, ifaces) {
  const i8021x = {
    state: 'Unknown',
    protocol: 'Unknown'
  };

  if (ifaces === 'Disabled') {
    i8021x.state = 'Disabled';
    i8021x.protocol = 'Not defined';
    return i8021x;
  }

  if (connectionType === 'wired' && ifaces.length > 0) {
    try {
      // Get 802.1x information by interface name
      const iface8021xInfo = ifaces.find((element) => {
        return element.includes(iface + '\r\n');
      });
      const arrayIface8021xInfo = iface8021xInfo.split('\r\n');
      const state8021x = arrayIface8021xInfo.find((element) => {
        return element.includes('802.1x');
      });

      if (state8021x.includes('Disabled')) {
        i8021x.state = 'Disabled';
        i8021x.protocol = 'Not defined';
      } else if (state8021x.includes('Enabled')) {
        const protocol8021x = arrayIface8021xInfo.find((element) => {
          return element.includes('EAP');
        });
        i8021x.protocol = protocol8021x.split(':').pop();
        i8021x.state = 'Enabled';
      }
    } catch {
      return i8021x;
    }
  } else if (connectionType === 'wireless') {
    let i8021xState = '';
    let i8021xProtocol = '';

    try {
      const SSID = getWindowsWirelessIfaceSSID(iface);
      if (SSID !== 'Unknown') {
        const ifaceSanitized = util.sanitizeString(SSID);
        const profiles = execFileSync('netsh', ['wlan', 'show', 'profiles', ifaceSanitized], util.execOptsWin).toString().split('\r\n');
        i8021xState = (profiles.find((l) => l.indexOf('802.1X') >= 0) || '').trim();
        i8021xProtocol = (profiles.find((l) => l.indexOf('EAP') >= 0) || '').trim();
      }

      if (i8021xState.includes(':') && i8021xProtocol.includes(':')) {
        i8021x.state = i8021xState.split(':').pop();
        i8021x.protocol = i8021xProtocol.split(':').pop();
      }
    } catch (error) {
      if (error.status === 1 && error.stdout.includes('AutoConfig')) {
        i8021x.state = 'Disabled';
        i8021x.protocol = 'Not defined';
      }
      return i8021x;
    }
  }

  return i8021x;
}

function splitSectionsNics(lines) {
  const result = [];
  let section = [];
  lines.forEach((line) => {
    if (!line.startsWith('\t') && !line.startsWith(' ')) {
      if (section.length) {
        result.push(section);
        section = [];
      }
    }
    section.push(line);
  });
  if (section.length) {
    result.push(section);
  }
  return result;
}

function parseLinesDarwinNics(sections) {
  const nics = [];
  sections.forEach((section) => {
    const nic = {
      iface: '',
      mtu: null,
      mac: '',
      ip6: '',
      ip4: '',
      speed: null,
      type: '',
      operstate: '',
      duplex: '',
      internal: false
    };
    const first = section[0];
    nic.iface = first.split(':')[0].trim();
    const parts = first.split('> mtu');
    nic.mtu = parts.length > 1 ? parseInt(parts[1], 10) : null;
    if (isNaN(nic.mtu)) {
      nic.mtu = null;
    }
    nic.internal = parts[0].toLowerCase().indexOf('loopback') > -1;
    section.forEach((line) => {
      if (line.trim().startsWith('ether ')) {
        nic.mac = line.split('ether ')[1].toLowerCase().trim();
      }
      if (line.trim().startsWith('inet6 ') && !nic.ip6) {
        nic.ip6 = line.split('inet6 ')[1].toLowerCase().split('%')[0].split(' ')[0];
      }
      if (line.trim().startsWith('inet ') && !nic.ip4) {
        nic.ip4 = line.split('inet ')[1].toLowerCase().split(' ')[0];
      }
    });
    let speed = util.getValue(section, 'link rate');
    nic.speed = speed ? parseFloat(speed) : null;
    if (nic.speed === null) {
      speed = util.getValue(section, 'uplink rate');
      nic.speed = speed ? parseFloat(speed) : null;
      if (nic.speed !== null && speed.toLowerCase().indexOf('gbps') >= 0) {
        nic.speed = nic.speed * 1000;
      }
    } else {
      if (speed.toLowerCase().indexOf('gbps') >= 0) {
        nic.speed = nic.speed * 1000;
      }
    }
    nic.type = util.getValue(section, 'type').toLowerCase().indexOf('wi-fi') > -1 ? 'wireless' : 'wired';
    const operstate = util.getValue(section, 'status').toLowerCase();
    nic.operstate = operstate === 'active' ? 'up' : operstate === 'inactive' ? 'down' : 'unknown';
    nic.duplex = util.getValue(section, 'media').toLowerCase().indexOf('half-duplex') > -1 ? 'half' : 'full';
    if (nic.ip6 || nic.ip4 || nic.mac) {
      nics.push(nic);
    }
  });
  return nics;
}

function getDarwinNics() {
  const cmd = '/sbin/ifconfig -v';
  try {
    const lines = execSync(cmd, { maxBuffer: 1024 * 102400 })
      .toString()
      .split('\n');
    const nsections = splitSectionsNics(lines);
    return parseLinesDarwinNics(nsections);
  } catch {
    return [];
  }
}

function getLinuxIfaceConnectionName(interfaceName) {
  try {
    const output = execFileSync('nmcli', ['device', 'status'], { ...util.execOptsLinux, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const result = util.grep(output, interfaceName);

    const resultFormat = result.replace(/\s+/g, ' ').trim();
    const connectionNameLines = resultFormat.split(' ').slice(3);
    const connectionName = connectionNameLines.join(' ');
    const connectionNameSanitized = util.sanitizeString(connectionName, false);

    return connectionNameSanitized !== '--' ? connectionNameSanitized : '';
  } catch {
    return '';
  }
}

function checkLinuxDCHPInterfaces(file, depth) {
  let result = [];
  depth = depth || 0;
  if (depth > 10) {
    return result;
  }
  try {
    const content = readFileSync(file, { encoding: 'utf8' });
    const lines = content.split('\n').filter((l) => /iface|source/.test(l));

    lines.forEach((line) => {
      const parts = line.replace(/\s+/g, ' ').trim().split(' ');
      if (parts.length >= 4) {
        if (line.toLowerCase().indexOf(' inet ') >= 0 && line.toLowerCase().indexOf('dhcp') >= 0) {
          result.push(parts[1]);
        }
      }
      if (line.toLowerCase().includes('source')) {
        const file = line.split(' ')[1];
        result = result.concat(checkLinuxDCHPInterfaces(file, depth + 1));
      }
    });
  } catch {
    util.noop();
  }
  return result;
}

function getLinuxDHCPNics() {
  // alternate methods getting interfaces using DHCP
  const cmd = 'ip a 2> /dev/null';
  let result = [];
  try {
    const lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
    const nsections = splitSectionsNics(lines);
    result = parseLinuxDHCPNics(nsections);
  } catch {
    util.noop();
  }
  try {
    result = checkLinuxDCHPInterfaces('/etc/network/interfaces');
  } catch {
    util.noop();
  }
  return result;
}

function parseLinuxDHCPNics(sections) {
  const result = [];
  if (sections && sections.length) {
    sections.forEach((lines) => {
      if (lines && lines.length) {
        const parts = lines[0].split(':');
        if (parts.length > 2) {
          for (const line of lines) {
            if (line.indexOf(' inet ') >= 0 && line.indexOf(' dynamic ') >= 0) {
              const parts2 = line.split(' ');
              const nic = parts2[parts2.length - 1].trim();
              result.push(nic);
              break;
            }
          }
        }
      }
    });
  }
  return result;
}

function getLinuxIfaceDHCPstatus(iface, connectionName, DHCPNics) {
  let result = false;
  if (connectionName) {
    try {
      const output = execFileSync('nmcli', ['connection', 'show', connectionName], { ...util.execOptsLinux, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const lines = util.grep(output, 'ipv4.method');
      const resultFormat = lines.replace(/\s+/g, ' ').trim();

      const dhcStatus = resultFormat.split(' ').slice(1).toString();
      switch (dhcStatus) {
        case 'auto':
          result = true;
          break;

        default:
          result = false;
          break;
      }
      return result;
    } catch {
      return DHCPNics.indexOf(iface) >= 0;
    }
  } else {
    return DHCPNics.indexOf(iface) >= 0;
  }
}

function getDarwinIfaceDHCPstatus(iface) {
  let result = false;

  try {
    const output = execFileSync('ipconfig', ['getpacket', iface], { ...util.execOptsLinux, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const lines = util.grep(output, 'lease_time');
    if (lines.length && lines[0].startsWith('lease_time')) {
      result = true;
    }
  } catch {
    util.noop();
  }
  return result;
}

function getLinuxIfaceDNSsuffix(connectionName) {
  if (connectionName) {
    try {
      const output = execFileSync('nmcli', ['connection', 'show', connectionName], { ...util.execOptsLinux, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const result = util.grep(output, 'ipv4.dns-search');
      const resultFormat = result.replace(/\s+/g, ' ').trim();
      const dnsSuffix = resultFormat.split(' ').slice(1).toString();
      return dnsSuffix === '--' ? 'Not defined' : dnsSuffix;
    } catch {
      return 'Unknown';
    }
  } else {
    return 'Unknown';
  }
}

function getLinuxIfaceIEEE8021xAuth(connectionName) {
  if (connectionName) {
    try {
      const output = execFileSync('nmcli', ['connection', 'show', connectionName], { ...util.execOptsLinux, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const result = util.grep(output, '802-1x.eap');
      const resultFormat = result.replace(/\s+/g, ' ').trim();
      const authenticationProtocol = resultFormat.split(' ').slice(1).toString();

      return authenticationProtocol === '--' ? '' : authenticationProtocol;
    } catch {
      return 'Not defined';
    }
  } else {
    return 'Not defined';
  }
}

function getLinuxIfaceIEEE8021xState(authenticationProtocol) {
  if (authenticationProtocol) {
    if (authenticationProtocol === 'Not defined') {
      return 'Disabled';
    }
    return 'Enabled';
  } else {
    return 'Unknown';
  }
}

function testVirtualNic(iface, ifaceName, mac) {
  const virtualMacs = [
    '00:00:00:00:00:00',
    '00:03:FF',
    '00:05:69',
    '00:0C:29',
    '00:0F:4B',
    '00:13:07',
    '00:13:BE',
    '00:15:5d',
    '00:16:3E',
    '00:1C:42',
    '00:21:F6',
    '00:24:0B',
    '00:50:56',
    '00:A0:B1',
    '00:E0:C8',
    '08:00:27',
    '0A:00:27',
    '18:92:2C',
    '16:DF:49',
    '3C:F3:92',
    '54:52:00',
    'FC:15:97'
  ];
  if (mac) {
    return (
      virtualMacs.filter((item) => {
        return mac.toUpperCase().toUpperCase().startsWith(item.substring(0, mac.length));
      }).length > 0 ||
      iface.toLowerCase().indexOf(' virtual ') > -1 ||
      ifaceName.toLowerCase().indexOf(' virtual ') > -1 ||
      iface.toLowerCase().indexOf('vethernet ') > -1 ||
      ifaceName.toLowerCase().indexOf('vethernet ') > -1 ||
      iface.toLowerCase().startsWith('veth') ||
      ifaceName.toLowerCase().startsWith('veth') ||
      iface.toLowerCase().startsWith('vboxnet') ||
      ifaceName.toLowerCase().startsWith('vboxnet')
    );
  } else {
    return false;
  }
}

function networkInterfaces(callback, rescan, defaultString) {
  if (typeof callback === 'string') {
    defaultString = callback;
    rescan = true;
    callback = null;
  }

  if (typeof callback === 'boolean') {
    rescan = callback;
    callback = null;
    defaultString = '';
  }
  callback = util.isFunction(callback) ? callback : null;
  if (typeof rescan === 'undefined') {
    rescan = true;
  }
  // objects without string conversion would throw here
  defaultString = typeof defaultString === 'string' ? defaultString : '';

  return new Promise((resolve) => {
    process.nextTick(() => {
      const ifaces = os.networkInterfaces();

      let result = [];
      let nics = [];
      let dnsSuffixes = [];
      let nics8021xInfo = [];
      // seperate handling in OSX
      if (_darwin || _freebsd || _openbsd || _netbsd) {
        if (JSON.stringify(ifaces) === JSON.stringify(_ifaces) && !rescan) {
          // no changes - just return object
          result = _networkInterfaces;

          if (callback) {
            callback(result);
          }
          resolve(result);
        } else {
          const defaultInterface = getDefaultNetworkInterface();
          _ifaces = JSON.parse(JSON.stringify(ifaces));

          nics = getDarwinNics();

          nics.forEach((nic) => {
            let ip4link = '';
            let ip4linksubnet = '';
            let ip6link = '';
            let ip6linksubnet = '';
            nic.ip4 = '';
            nic.ip6 = '';
            if ({}.hasOwnProperty.call(ifaces, nic.iface)) {
              ifaces[nic.iface].forEach((details) => {
                if (details.family === 'IPv4' || details.family === 4) {
                  if (!nic.ip4 && !nic.ip4.match(/^169.254/i)) {
                    nic.ip4 = details.address;
                    nic.ip4subnet = details.netmask;
                  }
                  if (nic.ip4.match(/^169.254/i)) {
                    ip4link = details.address;
                    ip4linksubnet = details.netmask;
                  }
                }
                if (details.family === 'IPv6' || details.family === 6) {
                  if (!nic.ip6 && !nic.ip6.match(/^fe80::/i)) {
                    nic.ip6 = details.address;
                    nic.ip6subnet = details.netmask;
                  }
                  if (nic.ip6.match(/^fe80::/i)) {
                    ip6link = details.address;
                    ip6linksubnet = details.netmask;
                  }
                }
              });
            }
            if (!nic.ip4 && ip4link) {
              nic.ip4 = ip4link;
              nic.ip4subnet = ip4linksubnet;
            }
            if (!nic.ip6 && ip6link) {
              nic.ip6 = ip6link;
              nic.ip6subnet = ip6linksubnet;
            }

            const ifaceSanitized = util.sanitizeString(nic.iface);

            result.push({
              iface: nic.iface,
              ifaceName: nic.iface,
              default: nic.iface === defaultInterface,
              ip4: nic.ip4,
              ip4subnet: nic.ip4subnet || '',
              ip6: nic.ip6,
              ip6subnet: nic.ip6subnet || '',
              mac: nic.mac,
              internal: nic.internal,
              virtual: nic.internal ? false : testVirtualNic(nic.iface, nic.iface, nic.mac),
              operstate: nic.operstate,
              type: nic.type,
              duplex: nic.duplex,
              mtu: nic.mtu,
              speed: nic.speed,
              dhcp: getDarwinIfaceDHCPstatus(ifaceSanitized),
              dnsSuffix: '',
              ieee8021xAuth: '',
              ieee8021xState: '',
              carrierChanges: 0
            });
          });
          _networkInterfaces = result;
          if (defaultString.toLowerCase().indexOf('default') >= 0) {
            result = result.filter((item) => item.default);
            if (result.length > 0) {
              result = result[0];
            } else {
              result = [];
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_linux) {
        if (JSON.stringify(ifaces) === JSON.stringify(_ifaces) && !rescan) {
          // no changes - just return object
          result = _networkInterfaces;

          if (callback) {
            callback(result);
          }
          resolve(result);
        } else {
          _ifaces = JSON.parse(JSON.stringify(ifaces));
          _dhcpNics = getLinuxDHCPNics();
          const defaultInterface = getDefaultNetworkInterface();
          for (const dev in ifaces) {
            let ip4 = '';
            let ip4subnet = '';
            let ip6 = '';
            let ip6subnet = '';
            let mac = '';
            let duplex = '';
            let mtu = '';
            let speed = null;
            let carrierChanges = 0;
            let dhcp = false;
            let dnsSuffix = '';
            let ieee8021xAuth = '';
            let ieee8021xState = '';
            let type = '';

            let ip4link = '';
            let ip4linksubnet = '';
            let ip6link = '';
            let ip6linksubnet = '';

            if ({}.hasOwnProperty.call(ifaces, dev)) {
              const ifaceName = dev;
              ifaces[dev].forEach((details) => {
                if (details.family === 'IPv4' || details.family === 4) {
                  if (!ip4 && !ip4.match(/^169.254/i)) {
                    ip4 = details.address;
                    ip4subnet = details.netmask;
                  }
                  if (ip4.match(/^169.254/i)) {
                    ip4link = details.address;
                    ip4linksubnet = details.netmask;
                  }
                }
                if (details.family === 'IPv6' || details.family === 6) {
                  if (!ip6 && !ip6.match(/^fe80::/i)) {
                    ip6 = details.address;
                    ip6subnet = details.netmask;
                  }
                  if (ip6.match(/^fe80::/i)) {
                    ip6link = details.address;
                    ip6linksubnet = details.netmask;
                  }
                }
                mac = details.mac;
                // fallback due to https://github.com/nodejs/node/issues/13581 (node 8.1 - node 8.2)
                const nodeMainVersion = parseInt(process.versions.node.split('.'), 10);
                if (mac.indexOf('00:00:0') > -1 && (_linux || _darwin) && !details.internal && nodeMainVersion >= 8 && nodeMainVersion <= 11) {
                  if (Object.keys(_mac).length === 0) {
                    _mac = getMacAddresses();
                  }
                  mac = _mac[dev] || '';
                }
              });
              if (!ip4 && ip4link) {
                ip4 = ip4link;
                ip4subnet = ip4linksubnet;
              }
              if (!ip6 && ip6link) {
                ip6 = ip6link;
                ip6subnet = ip6linksubnet;
              }
              const iface = dev.split(':')[0].trim();
              const ifaceSanitized = util.sanitizeString(iface, true);
              const cmd = `echo -n "addr_assign_type: "; cat /sys/class/net/${ifaceSanitized}/addr_assign_type 2>/dev/null; echo;
            echo -n "address: "; cat /sys/class/net/${ifaceSanitized}/address 2>/dev/null; echo;
            echo -n "addr_len: "; cat /sys/class/net/${ifaceSanitized}/addr_len 2>/dev/null; echo;
            echo -n "broadcast: "; cat /sys/class/net/${ifaceSanitized}/broadcast 2>/dev/null; echo;
            echo -n "carrier: "; cat /sys/class/net/${ifaceSanitized}/carrier 2>/dev/null; echo;
            echo -n "carrier_changes: "; cat /sys/class/net/${ifaceSanitized}/carrier_changes 2>/dev/null; echo;
            echo -n "dev_id: "; cat /sys/class/net/${ifaceSanitized}/dev_id 2>/dev/null; echo;
            echo -n "dev_port: "; cat /sys/class/net/${ifaceSanitized}/dev_port 2>/dev/null; echo;
            echo -n "dormant: "; cat /sys/class/net/${ifaceSanitized}/dormant 2>/dev/null; echo;
            echo -n "duplex: "; cat /sys/class/net/${ifaceSanitized}/duplex 2>/dev/null; echo;
            echo -n "flags: "; cat /sys/class/net/${ifaceSanitized}/flags 2>/dev/null; echo;
            echo -n "gro_flush_timeout: "; cat /sys/class/net/${ifaceSanitized}/gro_flush_timeout 2>/dev/null; echo;
            echo -n "ifalias: "; cat /sys/class/net/${ifaceSanitized}/ifalias 2>/dev/null; echo;
            echo -n "ifindex: "; cat /sys/class/net/${ifaceSanitized}/ifindex 2>/dev/null; echo;
            echo -n "iflink: "; cat /sys/class/net/${ifaceSanitized}/iflink 2>/dev/null; echo;
            echo -n "link_mode: "; cat /sys/class/net/${ifaceSanitized}/link_mode 2>/dev/null; echo;
            echo -n "mtu: "; cat /sys/class/net/${ifaceSanitized}/mtu 2>/dev/null; echo;
            echo -n "netdev_group: "; cat /sys/class/net/${ifaceSanitized}/netdev_group 2>/dev/null; echo;
            echo -n "operstate: "; cat /sys/class/net/${ifaceSanitized}/operstate 2>/dev/null; echo;
            echo -n "proto_down: "; cat /sys/class/net/${ifaceSanitized}/proto_down 2>/dev/null; echo;
            echo -n "speed: "; cat /sys/class/net/${ifaceSanitized}/speed 2>/dev/null; echo;
            echo -n "tx_queue_len: "; cat /sys/class/net/${ifaceSanitized}/tx_queue_len 2>/dev/null; echo;
            echo -n "type: "; cat /sys/class/net/${ifaceSanitized}/type 2>/dev/null; echo;
            echo -n "wireless: "; cat /proc/net/wireless 2>/dev/null | grep ${ifaceSanitized}; echo;
            echo -n "wirelessspeed: "; iw dev ${ifaceSanitized} link 2>&1 | grep bitrate; echo;`;

              let lines = [];
              try {
                lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
                const connectionName = getLinuxIfaceConnectionName(ifaceSanitized);
                dhcp = getLinuxIfaceDHCPstatus(ifaceSanitized, connectionName, _dhcpNics);
                dnsSuffix = getLinuxIfaceDNSsuffix(connectionName);
                ieee8021xAuth = getLinuxIfaceIEEE8021xAuth(connectionName);
                ieee8021xState = getLinuxIfaceIEEE8021xState(ieee8021xAuth);
              } catch {
                util.noop();
              }
              duplex = util.getValue(lines, 'duplex');
              duplex = duplex.startsWith('cat') ? '' : duplex;
              mtu = parseInt(util.getValue(lines, 'mtu'), 10);
              let myspeed = parseInt(util.getValue(lines, 'speed'), 10);
              speed = isNaN(myspeed) ? null : myspeed;
              const wirelessspeed = util.getValue(lines, 'tx bitrate');
              if (speed === null && wirelessspeed) {
                myspeed = parseFloat(wirelessspeed);
                speed = isNaN(myspeed) ? null : myspeed;
              }
              carrierChanges = parseInt(util.getValue(lines, 'carrier_changes'), 10);
              const operstate = util.getValue(lines, 'operstate');
              type = operstate === 'up' ? (util.getValue(lines, 'wireless').trim() ? 'wireless' : 'wired') : 'unknown';
              if (ifaceSanitized === 'lo' || ifaceSanitized.startsWith('bond')) {
                type = 'virtual';
              }

              let internal = ifaces[dev] && ifaces[dev][0] ? ifaces[dev][0].internal : false;
              if (dev.toLowerCase().indexOf('loopback') > -1 || ifaceName.toLowerCase().indexOf('loopback') > -1) {
                internal = true;
              }
              const virtual = internal ? false : testVirtualNic(dev, ifaceName, mac);
              result.push({
                iface: ifaceSanitized,
                ifaceName,
                default: iface === defaultInterface,
                ip4,
                ip4subnet,
                ip6,
                ip6subnet,
                mac,
                internal,
                virtual,
                operstate,
                type,
                duplex,
                mtu,
                speed,
                dhcp,
                dnsSuffix,
                ieee8021xAuth,
                ieee8021xState,
                carrierChanges
              });
            }
          }
          _networkInterfaces = result;
          if (defaultString.toLowerCase().indexOf('default') >= 0) {
            result = result.filter((item) => item.default);
            if (result.length > 0) {
              result = result[0];
            } else {
              result = [];
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_windows) {
        if (JSON.stringify(ifaces) === JSON.stringify(_ifaces) && !rescan) {
          // no changes - just return object
          result = _networkInterfaces;

          if (callback) {
            callback(result);
          }
          resolve(result);
        } else {
          _ifaces = JSON.parse(JSON.stringify(ifaces));
          const defaultInterface = getDefaultNetworkInterface();

          getWindowsNics().then((nics) => {
            nics.forEach((nic) => {
              let found = false;
              Object.keys(ifaces).forEach((key) => {
                if (!found) {
                  ifaces[key].forEach((value) => {
                    if (Object.keys(value).indexOf('mac') >= 0) {
                      found = value['mac'] === nic.mac;
                    }
                  });
                }
              });

              if (!found) {
                ifaces[nic.name] = [{ mac: nic.mac }];
              }
            });
            nics8021xInfo = getWindowsWiredProfilesInformation();
            dnsSuffixes = getWindowsDNSsuffixes();
            for (const dev in ifaces) {
              const ifaceSanitized = util.sanitizeString(dev);

              let iface = dev;
              let ip4 = '';
              let ip4subnet = '';
              let ip6 = '';
              let ip6subnet = '';
              let mac = '';
              const duplex = '';
              const mtu = '';
              let speed = null;
              const carrierChanges = 0;
              let operstate = 'down';
              let dhcp = false;
              let dnsSuffix = '';
              let ieee8021xAuth = '';
              let ieee8021xState = '';
              let type = '';

              if ({}.hasOwnProperty.call(ifaces, dev)) {
                let ifaceName = dev;
                ifaces[dev].forEach((details) => {
                  if (details.family === 'IPv4' || details.family === 4) {
                    ip4 = details.address;
                    ip4subnet = details.netmask;
                  }
                  if (details.family === 'IPv6' || details.family === 6) {
                    if (!ip6 || ip6.match(/^fe80::/i)) {
                      ip6 = details.address;
                      ip6subnet = details.netmask;
                    }
                  }
                  mac = details.mac;
                  // fallback due to https://github.com/nodejs/node/issues/13581 (node 8.1 - node 8.2)
                  const nodeMainVersion = parseInt(process.versions.node.split('.'), 10);
                  if (mac.indexOf('00:00:0') > -1 && (_linux || _darwin) && !details.internal && nodeMainVersion >= 8 && nodeMainVersion <= 11) {
                    if (Object.keys(_mac).length === 0) {
                      _mac = getMacAddresses();
                    }
                    mac = _mac[dev] || '';
                  }
                });

                dnsSuffix = getWindowsIfaceDNSsuffix(dnsSuffixes.ifaces, ifaceSanitized);
                let foundFirst = false;
                nics.forEach((detail) => {
                  if (detail.mac === mac && !foundFirst) {
                    iface = detail.iface || iface;
                    ifaceName = detail.name;
                    dhcp = detail.dhcp;
                    operstate = detail.operstate;
                    speed = operstate === 'up' ? detail.speed : 0;
                    type = detail.type;
                    foundFirst = true;
                  }
                });

                if (
                  dev.toLowerCase().indexOf('wlan') >= 0 ||
                  ifaceName.toLowerCase().indexOf('wlan') >= 0 ||
                  ifaceName.toLowerCase().indexOf('802.11n') >= 0 ||
                  ifaceName.toLowerCase().indexOf('wireless') >= 0 ||
                  ifaceName.toLowerCase().indexOf('wi-fi') >= 0 ||
                  ifaceName.toLowerCase().indexOf('wifi') >= 0
                ) {
                  type = 'wireless';
                }

                const IEEE8021x = getWindowsIEEE8021x(type, ifaceSanitized, nics8021xInfo);
                ieee8021xAuth = IEEE8021x.protocol;
                ieee8021xState = IEEE8021x.state;
                let internal = ifaces[dev] && ifaces[dev][0] ? ifaces[dev][0].internal : false;
                if (dev.toLowerCase().indexOf('loopback') > -1 || ifaceName.toLowerCase().indexOf('loopback') > -1) {
                  internal = true;
                }
                const virtual = internal ? false : testVirtualNic(dev, ifaceName, mac);
                result.push({
                  iface,
                  ifaceName,
                  default: iface === defaultInterface,
                  ip4,
                  ip4subnet,
                  ip6,
                  ip6subnet,
                  mac,
                  internal,
                  virtual,
                  operstate,
                  type,
                  duplex,
                  mtu,
                  speed,
                  dhcp,
                  dnsSuffix,
                  ieee8021xAuth,
                  ieee8021xState,
                  carrierChanges
                });
              }
            }
            _networkInterfaces = result;
            if (defaultString.toLowerCase().indexOf('default') >= 0) {
              result = result.filter((item) => item.default);
              if (result.length > 0) {
                result = result[0];
              } else {
                result = [];
              }
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        }
      }
    });
  });
}

exports.networkInterfaces = networkInterfaces;

// --------------------------
// NET - Speed

function calcNetworkSpeed(iface, rx_bytes, tx_bytes, operstate, rx_dropped, rx_errors, tx_dropped, tx_errors) {
  const result = {
    iface,
    operstate,
    rx_bytes,
    rx_dropped,
    rx_errors,
    tx_bytes,
    tx_dropped,
    tx_errors,
    rx_sec: null,
    tx_sec: null,
    ms: 0
  };

  if (_network[iface] && _network[iface].ms) {
    result.ms = Date.now() - _network[iface].ms;
    result.rx_sec = rx_bytes - _network[iface].rx_bytes >= 0 ? (rx_bytes - _network[iface].rx_bytes) / (result.ms / 1000) : 0;
    result.tx_sec = tx_bytes - _network[iface].tx_bytes >= 0 ? (tx_bytes - _network[iface].tx_bytes) / (result.ms / 1000) : 0;
    _network[iface].rx_bytes = rx_bytes;
    _network[iface].tx_bytes = tx_bytes;
    _network[iface].rx_sec = result.rx_sec;
    _network[iface].tx_sec = result.tx_sec;
    _network[iface].ms = Date.now();
    _network[iface].last_ms = result.ms;
    _network[iface].operstate = operstate;
  } else {
    if (!_network[iface]) {
      _network[iface] = {};
    }
    _network[iface].rx_bytes = rx_bytes;
    _network[iface].tx_bytes = tx_bytes;
    _network[iface].rx_sec = null;
    _network[iface].tx_sec = null;
    _network[iface].ms = Date.now();
    _network[iface].last_ms = 0;
    _network[iface].operstate = operstate;
  }
  return result;
}

function networkStats(ifaces, callback) {
  callback = util.isFunction(callback) ? callback : null;
  let ifacesArray = [];

  return new Promise((resolve) => {
    process.nextTick(() => {
      // fallback - if only callback is given
      if (util.isFunction(ifaces) && !callback) {
        callback = ifaces;
        ifacesArray = [getDefaultNetworkInterface()];
      } else {
        if (typeof ifaces !== 'string' && ifaces !== undefined) {
          if (callback) {
            callback([]);
          }
          return resolve([]);
        }
        ifaces = ifaces || getDefaultNetworkInterface();

        try {
          ifaces.__proto__.toLowerCase = util.stringToLower;
          ifaces.__proto__.replace = util.stringReplace;
          ifaces.__proto__.toString = util.stringToString;
          ifaces.__proto__.substr = util.stringSubstr;
          ifaces.__proto__.substring = util.stringSubstring;
          ifaces.__proto__.trim = util.stringTrim;
          ifaces.__proto__.startsWith = util.stringStartWith;
        } catch {
          Object.setPrototypeOf(ifaces, util.stringObj);
        }

        ifaces = ifaces.trim().replace(/,+/g, '|');
        ifacesArray = ifaces.split('|');
      }

      const result = [];

      const workload = [];
      if (ifacesArray.length && ifacesArray[0].trim() === '*') {
        ifacesArray = [];
        networkInterfaces(false).then((allIFaces) => {
          for (const iface of allIFaces) {
            ifacesArray.push(iface.iface);
          }
          networkStats(ifacesArray.join(',')).then((result) => {
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        });
      } else {
        for (const iface of ifacesArray) {
          workload.push(networkStatsSingle(iface.trim()));
        }
        if (workload.length) {
          Promise.all(workload).then((data) => {
            if (callback) {
              callback(data);
            }
            resolve(data);
          });
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

function networkStatsSingle(iface) {
  function parseLinesWindowsPerfData(sections) {
    const perfData = [];
    for (const i in sections) {
      if ({}.hasOwnProperty.call(sections, i)) {
        if (sections[i].trim() !== '') {
          const lines = sections[i].trim().split('\r\n');
          perfData.push({
            name: util.getValue(lines, 'Name', ':').toLowerCase(),
            desc: util
              .getValue(lines, 'InterfaceDescription', ':')
              .replace(/[()[\] ]+/g, '')
              .replace(/#|\//g, '_')
              .toLowerCase(),
            rx_bytes: parseInt(util.getValue(lines, 'ReceivedBytes', ':'), 10),
            rx_errors: parseInt(util.getValue(lines, 'ReceivedPacketErrors', ':'), 10),
            rx_dropped: parseInt(util.getValue(lines, 'ReceivedDiscardedPackets', ':'), 10),
            tx_bytes: parseInt(util.getValue(lines, 'SentBytes', ':'), 10),
            tx_errors: parseInt(util.getValue(lines, 'OutboundPacketErrors', ':'), 10),
            tx_dropped: parseInt(util.getValue(lines, 'OutboundDiscardedPackets', ':'), 10)
          });
        }
      }
    }
    return perfData;
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      const ifaceSanitized = util.sanitizeString(iface, true);

      let result = {
        iface: ifaceSanitized,
        operstate: 'unknown',
        rx_bytes: 0,
        rx_dropped: 0,
        rx_errors: 0,
        tx_bytes: 0,
        tx_dropped: 0,
        tx_errors: 0,
        rx_sec: null,
        tx_sec: null,
        ms: 0
      };

      // an interface name never starts with a dash - passed on to ifconfig / netstat it would be
      // read as an option instead of as an interface name (index access, so a polluted
      // String.prototype cannot bypass it)
      if (ifaceSanitized[0] === '-') {
        return resolve(result);
      }

      let operstate = 'unknown';
      let rx_bytes = 0;
      let tx_bytes = 0;
      let rx_dropped = 0;
      let rx_errors = 0;
      let tx_dropped = 0;
      let tx_errors = 0;

      let cmd, lines, stats;
      if (
        !_network[ifaceSanitized] ||
        (_network[ifaceSanitized] && !_network[ifaceSanitized].ms) ||
        (_network[ifaceSanitized] && _network[ifaceSanitized].ms && Date.now() - _network[ifaceSanitized].ms >= 500)
      ) {
        if (_linux) {
          // interface name must stay a single path segment inside /sys/class/net (no traversal)
          const ifaceIsSegment = ifaceSanitized !== '' && ifaceSanitized !== '.' && ifaceSanitized !== '..' && ifaceSanitized.split('').every((c) => c !== '/');
          if (ifaceIsSegment && fs.existsSync('/sys/class/net/' + ifaceSanitized)) {
            cmd =
              'cat /sys/class/net/' +
              ifaceSanitized +
              '/operstate; ' +
              'cat /sys/class/net/' +
              ifaceSanitized +
              '/statistics/rx_bytes; ' +
              'cat /sys/class/net/' +
              ifaceSanitized +
              '/statistics/tx_bytes; ' +
              'cat /sys/class/net/' +
              ifaceSanitized +
              '/statistics/rx_dropped; ' +
              'cat /sys/class/net/' +
              ifaceSanitized +
              '/statistics/rx_errors; ' +
              'cat /sys/class/net/' +
              ifaceSanitized +
              '/statistics/tx_dropped; ' +
              'cat /sys/class/net/' +
              ifaceSanitized +
              '/statistics/tx_errors; ';
            exec(cmd, (error, stdout) => {
              if (!error) {
                lines = stdout.toString().split('\n');
                operstate = lines[0].trim();
                rx_bytes = parseInt(lines[1], 10);
                tx_bytes = parseInt(lines[2], 10);
                rx_dropped = parseInt(lines[3], 10);
                rx_errors = parseInt(lines[4], 10);
                tx_dropped = parseInt(lines[5], 10);
                tx_errors = parseInt(lines[6], 10);

                result = calcNetworkSpeed(ifaceSanitized, rx_bytes, tx_bytes, operstate, rx_dropped, rx_errors, tx_dropped, tx_errors);
              }
              resolve(result);
            });
          } else {
            resolve(result);
          }
        }
        if (_freebsd || _openbsd || _netbsd) {
          cmd = 'netstat -ibndI ' + ifaceSanitized; // lgtm [js/shell-command-constructed-from-input]
          exec(cmd, (error, stdout) => {
            if (!error) {
              lines = stdout.toString().split('\n');
              for (let i = 1; i < lines.length; i++) {
                const line = lines[i].replace(/ +/g, ' ').split(' ');
                if (line && line[0] && line[7] && line[10]) {
                  rx_bytes = rx_bytes + parseInt(line[7]);
                  if (line[6].trim() !== '-') {
                    rx_dropped = rx_dropped + parseInt(line[6]);
                  }
                  if (line[5].trim() !== '-') {
                    rx_errors = rx_errors + parseInt(line[5]);
                  }
                  tx_bytes = tx_bytes + parseInt(line[10]);
                  if (line[12] && line[12].trim() !== '-') {
                    tx_dropped = tx_dropped + parseInt(line[12]);
                  }
                  if (line[9].trim() !== '-') {
                    tx_errors = tx_errors + parseInt(line[9]);
                  }
                  operstate = 'up';
                }
              }
              result = calcNetworkSpeed(ifaceSanitized, rx_bytes, tx_bytes, operstate, rx_dropped, rx_errors, tx_dropped, tx_errors);
            }
            resolve(result);
          });
        }
        if (_darwin) {
          cmd = 'ifconfig ' + ifaceSanitized + ' | grep "status"'; // lgtm [js/shell-command-constructed-from-input]
          exec(cmd, (error, stdout) => {
            result.operstate = (stdout.toString().split(':')[1] || '').trim();
            result.operstate = (result.operstate || '').toLowerCase();
            result.operstate = result.operstate === 'active' ? 'up' : result.operstate === 'inactive' ? 'down' : 'unknown';
            cmd = 'netstat -bdnI ' + ifaceSanitized; // lgtm [js/shell-command-constructed-from-input]
            exec(cmd, (error, stdout) => {
              if (!error) {
                lines = stdout.toString().split('\n');
                // if there is less than 2 lines, no information for this interface was found
                if (lines.length > 1 && lines[1].trim() !== '') {
                  // skip header line
                  // use the second line because it is tied to the NIC instead of the ipv4 or ipv6 address
                  stats = lines[1].replace(/ +/g, ' ').split(' ');
                  const offset = stats.length > 11 ? 1 : 0;
                  rx_bytes = parseInt(stats[offset + 5]);
                  rx_dropped = parseInt(stats[offset + 10]);
                  rx_errors = parseInt(stats[offset + 4]);
                  tx_bytes = parseInt(stats[offset + 8]);
                  tx_dropped = parseInt(stats[offset + 10]);
                  tx_errors = parseInt(stats[offset + 7]);
                  result = calcNetworkSpeed(ifaceSanitized, rx_bytes, tx_bytes, result.operstate, rx_dropped, rx_errors, tx_dropped, tx_errors);
                }
              }
              resolve(result);
            });
          });
        }
        if (_windows) {
          let perfData = [];
          let ifaceName = ifaceSanitized;

          // Performance Data
          util
            .powerShell(
              'Get-NetAdapterStatistics | select Name,InterfaceDescription,ReceivedBytes,ReceivedPacketErrors,ReceivedDiscardedPackets,SentBytes,OutboundPacketErrors,OutboundDiscardedPackets | fl'
            )
            .then((stdout, error) => {
              if (!error) {
                const psections = stdout.toString().split(/\n\s*\n/);
                perfData = parseLinesWindowsPerfData(psections);
              }

              // Network Interfaces
              networkInterfaces(false).then((interfaces) => {
                // get bytes sent, received from perfData by name
                rx_bytes = 0;
                tx_bytes = 0;
                perfData.forEach((detail) => {
                  interfaces.forEach((det) => {
                    if (
                      (det.iface.toLowerCase() === ifaceSanitized.toLowerCase() ||
                        det.mac.toLowerCase() === ifaceSanitized.toLowerCase() ||
                        det.ip4.toLowerCase() === ifaceSanitized.toLowerCase() ||
                        det.ip6.toLowerCase() === ifaceSanitized.toLowerCase() ||
                        det.ifaceName
                          .replace(/[()[\] ]+/g, '')
                          .replace(/#|\//g, '_')
                          .toLowerCase() ===
                          ifaceSanitized
                            .replace(/[()[\] ]+/g, '')
                            .replace('#', '_')
                            .toLowerCase()) &&
                      (det.iface.toLowerCase() === detail.name ||
                        det.ifaceName
                          .replace(/[()[\] ]+/g, '')
                          .replace(/#|\//g, '_')
                          .toLowerCase() === detail.desc)
                    ) {
                      ifaceName = det.iface;
                      rx_bytes = detail.rx_bytes;
                      rx_dropped = detail.rx_dropped;
                      rx_errors = detail.rx_errors;
                      tx_bytes = detail.tx_bytes;
                      tx_dropped = detail.tx_dropped;
                      tx_errors = detail.tx_errors;
                      operstate = det.operstate;
                    }
                  });
                });
                if (rx_bytes && tx_bytes) {
                  // cache under the requested name, but report the adapter name
                  result = calcNetworkSpeed(ifaceSanitized, parseInt(rx_bytes), parseInt(tx_bytes), operstate, rx_dropped, rx_errors, tx_dropped, tx_errors);
                  result.iface = ifaceName;
                  _network[ifaceSanitized].ifaceName = ifaceName;
                }
                resolve(result);
              });
            });
        }
      } else {
        result.rx_bytes = _network[ifaceSanitized].rx_bytes;
        result.tx_bytes = _network[ifaceSanitized].tx_bytes;
        result.rx_sec = _network[ifaceSanitized].rx_sec;
        result.tx_sec = _network[ifaceSanitized].tx_sec;
        result.ms = _network[ifaceSanitized].last_ms;
        result.operstate = _network[ifaceSanitized].operstate;
        result.iface = _network[ifaceSanitized].ifaceName || ifaceSanitized;
        resolve(result);
      }
    });
  });
}

exports.networkStats = networkStats;

// --------------------------
// NET - connections (sockets)

function getProcessName(processes, pid) {
  let cmd = '';
  processes.forEach((line) => {
    const parts = line.split(' ');
    const id = parseInt(parts[0], 10) || -1;
    if (id === pid) {
      parts.shift();
      cmd = parts.join(' ').split(':')[0];
    }
  });
  cmd = cmd.split(' -')[0];
  cmd = cmd.split(' /')[0];
  return cmd;
  // const cmdParts = cmd.split('/');
  // return cmdParts[cmdParts.length - 1];
}

function networkConnections(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = [];
      if (_linux || _freebsd || _openbsd || _netbsd) {
        let cmd =
          'export LC_ALL=C; netstat -tunap | grep "ESTABLISHED\\|SYN_SENT\\|SYN_RECV\\|FIN_WAIT1\\|FIN_WAIT2\\|TIME_WAIT\\|CLOSE\\|CLOSE_WAIT\\|LAST_ACK\\|LISTEN\\|CLOSING\\|UNKNOWN"; unset LC_ALL';
        if (_freebsd || _openbsd || _netbsd) {
          cmd =
            'export LC_ALL=C; netstat -na | grep "ESTABLISHED\\|SYN_SENT\\|SYN_RECV\\|FIN_WAIT1\\|FIN_WAIT2\\|TIME_WAIT\\|CLOSE\\|CLOSE_WAIT\\|LAST_ACK\\|LISTEN\\|CLOSING\\|UNKNOWN"; unset LC_ALL';
        }
        exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
          const lines = stdout.toString().split('\n');
          if (!error && (lines.length > 1 || lines[0] !== '')) {
            lines.forEach((line) => {
              line = line.replace(/ +/g, ' ').split(' ');
              if (line.length >= 7) {
                let localip = line[3];
                let localport = '';
                const localaddress = line[3].split(':');
                if (localaddress.length > 1) {
                  localport = localaddress[localaddress.length - 1];
                  localaddress.pop();
                  localip = localaddress.join(':');
                }
                let peerip = line[4];
                let peerport = '';
                const peeraddress = line[4].split(':');
                if (peeraddress.length > 1) {
                  peerport = peeraddress[peeraddress.length - 1];
                  peeraddress.pop();
                  peerip = peeraddress.join(':');
                }
                const connstate = line[5];
                const proc = line[6].split('/');

                if (connstate) {
                  result.push({
                    protocol: line[0],
                    localAddress: localip,
                    localPort: localport,
                    peerAddress: peerip,
                    peerPort: peerport,
                    state: connstate,
                    pid: proc[0] && proc[0] !== '-' ? parseInt(proc[0], 10) : null,
                    process: proc[1] ? proc[1].split(' ')[0].split(':')[0] : ''
                  });
                }
              }
            });
            if (callback) {
              callback(result);
            }
            resolve(result);
          } else {
            cmd = 'ss -tunap | grep "ESTAB\\|SYN-SENT\\|SYN-RECV\\|FIN-WAIT1\\|FIN-WAIT2\\|TIME-WAIT\\|CLOSE\\|CLOSE-WAIT\\|LAST-ACK\\|LISTEN\\|CLOSING"';
            exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
              if (!error) {
                const lines = stdout.toString().split('\n');
                lines.forEach((line) => {
                  line = line.replace(/ +/g, ' ').split(' ');
                  if (line.length >= 6) {
                    let localip = line[4];
                    let localport = '';
                    const localaddress = line[4].split(':');
                    if (localaddress.length > 1) {
                      localport = localaddress[localaddress.length - 1];
                      localaddress.pop();
                      localip = localaddress.join(':');
                    }
                    let peerip = line[5];
                    let peerport = '';
                    const peeraddress = line[5].split(':');
                    if (peeraddress.length > 1) {
                      peerport = peeraddress[peeraddress.length - 1];
                      peeraddress.pop();
                      peerip = peeraddress.join(':');
                    }
                    let connstate = line[1];
                    if (connstate === 'ESTAB') {
                      connstate = 'ESTABLISHED';
                    }
                    if (connstate === 'TIME-WAIT') {
                      connstate = 'TIME_WAIT';
                    }
                    let pid = null;
                    let process = '';
                    if (line.length >= 7 && line[6].indexOf('users:') > -1) {
                      const proc = line[6].replace('users:(("', '').replace(/"/g, '').replace('pid=', '').split(',');
                      if (proc.length > 2) {
                        process = proc[0];
                        const pidValue = parseInt(proc[1], 10);
                        if (pidValue > 0) {
                          pid = pidValue;
                        }
                      }
                    }
                    if (connstate) {
                      result.push({
                        protocol: line[0],
                        localAddress: localip,
                        localPort: localport,
                        peerAddress: peerip,
                        peerPort: peerport,
                        state: connstate,
                        pid,
                        process
                      });
                    }
                  }
                });
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          }
        });
      }
      if (_darwin) {
        const cmd = 'netstat -natvln | head -n2; netstat -natvln | grep "tcp4\\|tcp6\\|udp4\\|udp6"';
        const states = 'ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT_1|FIN_WAIT2|FIN_WAIT_2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING|UNKNOWN'.split('|');
        exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
          if (!error) {
            exec('ps -axo pid,command', { maxBuffer: 1024 * 102400 }, (err2, stdout2) => {
              let processes = stdout2.toString().split('\n');
              processes = processes.map((line) => {
                return line.trim().replace(/ +/g, ' ');
              });
              const lines = stdout.toString().split('\n');
              lines.shift();
              let pidPos = 8;
              if (lines.length > 1 && lines[0].indexOf('pid') > 0) {
                const header = (lines.shift() || '')
                  .replace(/ Address/g, '_Address')
                  .replace(/process:/g, '')
                  .replace(/ +/g, ' ')
                  .split(' ');
                pidPos = header.indexOf('pid');
              }
              lines.forEach((line) => {
                line = line.replace(/ +/g, ' ').split(' ');
                if (line.length >= 8) {
                  let localip = line[3];
                  let localport = '';
                  const localaddress = line[3].split('.');
                  if (localaddress.length > 1) {
                    localport = localaddress[localaddress.length - 1];
                    localaddress.pop();
                    localip = localaddress.join('.');
                  }
                  let peerip = line[4];
                  let peerport = '';
                  const peeraddress = line[4].split('.');
                  if (peeraddress.length > 1) {
                    peerport = peeraddress[peeraddress.length - 1];
                    peeraddress.pop();
                    peerip = peeraddress.join('.');
                  }
                  const hasState = states.indexOf(line[5]) >= 0;
                  const connstate = hasState ? line[5] : 'UNKNOWN';
                  let pidField = '';
                  if (line[line.length - 9] && line[line.length - 9].indexOf(':') >= 0) {
                    pidField = line[line.length - 9].split(':')[1];
                  } else {
                    pidField = line[pidPos + (hasState ? 0 : -1)] || '';

                    if (pidField.indexOf(':') >= 0) {
                      pidField = pidField.split(':')[1];
                    }
                  }
                  const pid = parseInt(pidField, 10);
                  if (connstate) {
                    result.push({
                      protocol: line[0],
                      localAddress: localip,
                      localPort: localport,
                      peerAddress: peerip,
                      peerPort: peerport,
                      state: connstate,
                      pid: pid,
                      process: getProcessName(processes, pid)
                    });
                  }
                }
              });
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        });
      }
      if (_windows) {
        const cmd = 'netstat -nao';
        try {
          exec(cmd, util.execOptsWin, (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\r\n');

              lines.forEach((line) => {
                line = line.trim().replace(/ +/g, ' ').split(' ');
                if (line.length >= 4) {
                  let localip = line[1];
                  let localport = '';
                  const localaddress = line[1].split(':');
                  if (localaddress.length > 1) {
                    localport = localaddress[localaddress.length - 1];
                    localaddress.pop();
                    localip = localaddress.join(':');
                  }
                  localip = localip.replace(/\[/g, '').replace(/\]/g, '');
                  let peerip = line[2];
                  let peerport = '';
                  const peeraddress = line[2].split(':');
                  if (peeraddress.length > 1) {
                    peerport = peeraddress[peeraddress.length - 1];
                    peeraddress.pop();
                    peerip = peeraddress.join(':');
                  }
                  peerip = peerip.replace(/\[/g, '').replace(/\]/g, '');
                  const pid = util.toInt(line[4]);
                  let connstate = line[3];
                  if (connstate === 'HERGESTELLT') {
                    connstate = 'ESTABLISHED';
                  }
                  if (connstate.startsWith('ABH')) {
                    connstate = 'LISTEN';
                  }
                  if (connstate === 'SCHLIESSEN_WARTEN') {
                    connstate = 'CLOSE_WAIT';
                  }
                  if (connstate === 'WARTEND') {
                    connstate = 'TIME_WAIT';
                  }
                  if (connstate === 'SYN_GESENDET') {
                    connstate = 'SYN_SENT';
                  }

                  if (connstate === 'LISTENING') {
                    connstate = 'LISTEN';
                  }
                  if (connstate === 'SYN_RECEIVED') {
                    connstate = 'SYN_RECV';
                  }
                  if (connstate === 'FIN_WAIT_1') {
                    connstate = 'FIN_WAIT1';
                  }
                  if (connstate === 'FIN_WAIT_2') {
                    connstate = 'FIN_WAIT2';
                  }
                  if (line[0].toLowerCase() !== 'udp' && connstate) {
                    result.push({
                      protocol: line[0].toLowerCase(),
                      localAddress: localip,
                      localPort: localport,
                      peerAddress: peerip,
                      peerPort: peerport,
                      state: connstate,
                      pid,
                      process: ''
                    });
                  } else if (line[0].toLowerCase() === 'udp') {
                    result.push({
                      protocol: line[0].toLowerCase(),
                      localAddress: localip,
                      localPort: localport,
                      peerAddress: peerip,
                      peerPort: peerport,
                      state: '',
                      pid: parseInt(line[3], 10),
                      process: ''
                    });
                  }
                }
              });
              if (callback) {
                callback(result);
              }
              resolve(result);
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.networkConnections = networkConnections;

function networkGatewayDefault(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = '';
      if (_linux || _freebsd || _openbsd || _netbsd) {
        const cmd = 'ip route get 1';
        try {
          exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');
              const line = lines && lines[0] ? lines[0] : '';
              let parts = line.split(' via ');
              if (parts && parts[1]) {
                parts = parts[1].split(' ');
                result = parts[0];
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_darwin) {
        let cmd = 'route -n get default';
        try {
          exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
            if (!error) {
              const lines = stdout
                .toString()
                .split('\n')
                .map((line) => line.trim());
              result = util.getValue(lines, 'gateway');
            }
            if (!result) {
              cmd = "netstat -rn | awk '/default/ {print $2}'";
              exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
                const lines = stdout
                  .toString()
                  .split('\n')
                  .map((line) => line.trim());
                result = lines.find((line) =>
                  /^(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/.test(line)
                );
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
      if (_windows) {
        try {
          exec('netstat -r', util.execOptsWin, (error, stdout) => {
            const lines = stdout.toString().split(os.EOL);
            lines.forEach((line) => {
              line = line.replace(/\s+/g, ' ').trim();
              if (line.indexOf('0.0.0.0 0.0.0.0') > -1 && !/[a-zA-Z]/.test(line)) {
                const parts = line.split(' ');
                if (parts.length >= 5 && parts[parts.length - 3].indexOf('.') > -1) {
                  result = parts[parts.length - 3];
                }
              }
            });
            if (!result) {
              util.powerShell("Get-CimInstance -ClassName Win32_IP4RouteTable | Where-Object { $_.Destination -eq '0.0.0.0' -and $_.Mask -eq '0.0.0.0' }").then((data) => {
                const lines = data.toString().split('\r\n');
                if (lines.length > 1 && !result) {
                  result = util.getValue(lines, 'NextHop');
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                  // } else {
                  //   exec('ipconfig', util.execOptsWin, function (error, stdout) {
                  //     let lines = stdout.toString().split('\r\n');
                  //     lines.forEach(function (line) {
                  //       line = line.trim().replace(/\. /g, '');
                  //       line = line.trim().replace(/ +/g, '');
                  //       const parts = line.split(':');
                  //       if ((parts[0].toLowerCase().startsWith('standardgate') || parts[0].toLowerCase().indexOf('gateway') > -1 || parts[0].toLowerCase().indexOf('enlace') > -1) && parts[1]) {
                  //         result = parts[1];
                  //       }
                  //     });
                  //     if (callback) { callback(result); }
                  //     resolve(result);
                  //   });
                }
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.networkGatewayDefault = networkGatewayDefault;


/***/ }),

/***/ 574:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// osinfo.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 3. Operating System
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const fs = __nccwpck_require__(896);
const util = __nccwpck_require__(796);
const exec = util.execCwd;
const execSync = (__nccwpck_require__(317).execSync);
const execFile = (__nccwpck_require__(317).execFile);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

// --------------------------
// Get current time and OS uptime

function time() {
  const t = new Date().toString().split(' ');
  let timezoneName = '';
  try {
    timezoneName = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    timezoneName = t.length >= 7 ? t.slice(6).join(' ').replace(/\(/g, '').replace(/\)/g, '') : '';
  }
  const result = {
    current: Date.now(),
    uptime: os.uptime(),
    timezone: t.length >= 7 ? t[5] : '',
    timezoneName
  };
  if (_darwin || _linux) {
    try {
      const stdout = execSync('date +%Z && date +%z && ls -l /etc/localtime 2>/dev/null', util.execOptsLinux);
      const lines = stdout.toString().split(os.EOL);
      if (lines.length > 3 && !lines[0]) {
        lines.shift();
      }
      let timezone = lines[0] || '';
      if (timezone.startsWith('+') || timezone.startsWith('-')) {
        timezone = 'GMT';
      }
      return {
        current: Date.now(),
        uptime: os.uptime(),
        timezone: lines[1] ? timezone + lines[1] : timezone,
        timezoneName: lines[2] && lines[2].indexOf('/zoneinfo/') > 0 ? lines[2].split('/zoneinfo/')[1] || '' : ''
      };
    } catch {
      util.noop();
    }
  }
  return result;
}

exports.time = time;

// --------------------------
// Get logo filename of OS distribution

function getLogoFile(distro) {
  distro = distro || '';
  distro = distro.toLowerCase();
  let result = _platform;
  if (_windows) {
    result = 'windows';
  } else if (distro.indexOf('mac os') !== -1 || distro.indexOf('macos') !== -1) {
    result = 'apple';
  } else if (distro.indexOf('arch') !== -1) {
    result = 'arch';
  } else if (distro.indexOf('cachy') !== -1) {
    result = 'cachy';
  } else if (distro.indexOf('centos') !== -1) {
    result = 'centos';
  } else if (distro.indexOf('coreos') !== -1) {
    result = 'coreos';
  } else if (distro.indexOf('debian') !== -1) {
    result = 'debian';
  } else if (distro.indexOf('deepin') !== -1) {
    result = 'deepin';
  } else if (distro.indexOf('elementary') !== -1) {
    result = 'elementary';
  } else if (distro.indexOf('endeavour') !== -1) {
    result = 'endeavour';
  } else if (distro.indexOf('fedora') !== -1) {
    result = 'fedora';
  } else if (distro.indexOf('gentoo') !== -1) {
    result = 'gentoo';
  } else if (distro.indexOf('mageia') !== -1) {
    result = 'mageia';
  } else if (distro.indexOf('mandriva') !== -1) {
    result = 'mandriva';
  } else if (distro.indexOf('manjaro') !== -1) {
    result = 'manjaro';
  } else if (distro.indexOf('mint') !== -1) {
    result = 'mint';
  } else if (distro.indexOf('mx') !== -1) {
    result = 'mx';
  } else if (distro.indexOf('openbsd') !== -1) {
    result = 'openbsd';
  } else if (distro.indexOf('freebsd') !== -1) {
    result = 'freebsd';
  } else if (distro.indexOf('opensuse') !== -1) {
    result = 'opensuse';
  } else if (distro.indexOf('pclinuxos') !== -1) {
    result = 'pclinuxos';
  } else if (distro.indexOf('puppy') !== -1) {
    result = 'puppy';
  } else if (distro.indexOf('popos') !== -1) {
    result = 'popos';
  } else if (distro.indexOf('raspbian') !== -1) {
    result = 'raspbian';
  } else if (distro.indexOf('reactos') !== -1) {
    result = 'reactos';
  } else if (distro.indexOf('redhat') !== -1) {
    result = 'redhat';
  } else if (distro.indexOf('slackware') !== -1) {
    result = 'slackware';
  } else if (distro.indexOf('sugar') !== -1) {
    result = 'sugar';
  } else if (distro.indexOf('steam') !== -1) {
    result = 'steam';
  } else if (distro.indexOf('suse') !== -1) {
    result = 'suse';
  } else if (distro.indexOf('mate') !== -1) {
    result = 'ubuntu-mate';
  } else if (distro.indexOf('lubuntu') !== -1) {
    result = 'lubuntu';
  } else if (distro.indexOf('xubuntu') !== -1) {
    result = 'xubuntu';
  } else if (distro.indexOf('ubuntu') !== -1) {
    result = 'ubuntu';
  } else if (distro.indexOf('solaris') !== -1) {
    result = 'solaris';
  } else if (distro.indexOf('tails') !== -1) {
    result = 'tails';
  } else if (distro.indexOf('feren') !== -1) {
    result = 'ferenos';
  } else if (distro.indexOf('robolinux') !== -1) {
    result = 'robolinux';
  } else if (_linux && distro) {
    result = distro.toLowerCase().trim().replace(/\s+/g, '-');
  }
  return result;
}

const WINDOWS_RELEASES = [
  [26200, '25H2'],
  [26100, '24H2'],
  [22631, '23H2'],
  [22621, '22H2'],
  [19045, '22H2'],
  [22000, '21H2'],
  [19044, '21H2'],
  [19043, '21H1'],
  [19042, '20H2'],
  [19041, '2004'],
  [18363, '1909'],
  [18362, '1903'],
  [17763, '1809'],
  [17134, '1803']
];

function getWindowsRelease(build) {
  for (const [minBuild, label] of WINDOWS_RELEASES) {
    if (build >= minBuild) return label;
  }
  return '';
}

// --------------------------
// FQDN

function getFQDN() {
  let fqdn = os.hostname();
  if (_linux || _darwin) {
    try {
      const stdout = execSync('hostname -f 2>/dev/null', util.execOptsLinux);
      fqdn = stdout.toString().split(os.EOL)[0];
    } catch {
      util.noop();
    }
  }
  if (_freebsd || _openbsd || _netbsd) {
    try {
      const stdout = execSync('hostname 2>/dev/null');
      fqdn = stdout.toString().split(os.EOL)[0];
    } catch {
      util.noop();
    }
  }
  if (_windows) {
    // read env directly - cmd.exe would interpret metacharacters in expanded values
    const name = process.env.COMPUTERNAME;
    if (name) {
      fqdn = process.env.USERDNSDOMAIN ? name + '.' + process.env.USERDNSDOMAIN : name;
    }
  }
  return fqdn;
}

// --------------------------
// OS Information

function osInfo(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        platform: _platform === 'win32' ? 'Windows' : _platform,
        distro: 'unknown',
        release: 'unknown',
        codename: '',
        kernel: os.release(),
        arch: os.arch(),
        hostname: os.hostname(),
        fqdn: getFQDN(),
        codepage: '',
        logofile: '',
        serial: '',
        build: '',
        servicepack: '',
        uefi: false
      };

      if (_linux) {
        exec('cat /etc/*-release; cat /usr/lib/os-release; cat /etc/openwrt_release', (error, stdout) => {
          /**
           * @namespace
           * @property {string}  DISTRIB_ID
           * @property {string}  NAME
           * @property {string}  DISTRIB_RELEASE
           * @property {string}  VERSION_ID
           * @property {string}  DISTRIB_CODENAME
           */
          let release = {};
          let lines = stdout.toString().split('\n');
          lines.forEach((line) => {
            if (line.indexOf('=') !== -1) {
              release[line.split('=')[0].trim().toUpperCase()] = line.split('=')[1].trim();
            }
          });
          result.distro = (release.DISTRIB_ID || release.NAME || 'unknown').replace(/"/g, '');
          result.logofile = getLogoFile(result.distro);
          let releaseVersion = (release.VERSION || '').replace(/"/g, '');
          let codename = (release.DISTRIB_CODENAME || release.VERSION_CODENAME || '').replace(/"/g, '');
          const prettyName = (release.PRETTY_NAME || '').replace(/"/g, '');
          if (prettyName.indexOf(result.distro + ' ') === 0) {
            releaseVersion = prettyName.replace(result.distro + ' ', '').trim();
          }
          if (releaseVersion.indexOf('(') >= 0) {
            codename = releaseVersion.split('(')[1].replace(/[()]/g, '').trim();
            releaseVersion = releaseVersion.split('(')[0].trim();
          }
          result.release = (releaseVersion || release.DISTRIB_RELEASE || release.VERSION_ID || 'unknown').replace(/"/g, '');
          result.codename = codename;
          result.codepage = util.getCodepage();
          result.build = (release.BUILD_ID || '').replace(/"/g, '').trim();
          isUefiLinux().then((uefi) => {
            result.uefi = uefi;
            uuid().then((data) => {
              result.serial = data.os;
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          });
        });
      }
      if (_freebsd || _openbsd || _netbsd) {
        exec('sysctl kern.ostype kern.osrelease kern.osrevision kern.hostuuid machdep.bootmethod kern.geom.confxml', (error, stdout) => {
          let lines = stdout.toString().split('\n');
          const distro = util.getValue(lines, 'kern.ostype');
          const logofile = getLogoFile(distro);
          const release = util.getValue(lines, 'kern.osrelease').split('-')[0];
          const serial = util.getValue(lines, 'kern.hostuuid');
          const bootmethod = util.getValue(lines, 'machdep.bootmethod');
          const uefiConf = stdout.toString().indexOf('<type>efi</type>') >= 0;
          const uefi = bootmethod ? bootmethod.toLowerCase().indexOf('uefi') >= 0 : uefiConf ? uefiConf : null;
          result.distro = distro || result.distro;
          result.logofile = logofile || result.logofile;
          result.release = release || result.release;
          result.serial = serial || result.serial;
          result.codename = '';
          result.codepage = util.getCodepage();
          result.uefi = uefi || null;
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        exec('sw_vers; sysctl kern.ostype kern.osrelease kern.osrevision kern.uuid', (error, stdout) => {
          let lines = stdout.toString().split('\n');
          result.serial = util.getValue(lines, 'kern.uuid');
          result.distro = util.getValue(lines, 'ProductName');
          result.release = (util.getValue(lines, 'ProductVersion', ':', true, true) + ' ' + util.getValue(lines, 'ProductVersionExtra', ':', true, true)).trim();
          result.build = util.getValue(lines, 'BuildVersion');
          result.logofile = getLogoFile(result.distro);
          result.codename = 'macOS';
          result.codename = result.release.indexOf('10.4') > -1 ? 'OS X Tiger' : result.codename;
          result.codename = result.release.indexOf('10.5') > -1 ? 'OS X Leopard' : result.codename;
          result.codename = result.release.indexOf('10.6') > -1 ? 'OS X Snow Leopard' : result.codename;
          result.codename = result.release.indexOf('10.7') > -1 ? 'OS X Lion' : result.codename;
          result.codename = result.release.indexOf('10.8') > -1 ? 'OS X Mountain Lion' : result.codename;
          result.codename = result.release.indexOf('10.9') > -1 ? 'OS X Mavericks' : result.codename;
          result.codename = result.release.indexOf('10.10') > -1 ? 'OS X Yosemite' : result.codename;
          result.codename = result.release.indexOf('10.11') > -1 ? 'OS X El Capitan' : result.codename;
          result.codename = result.release.indexOf('10.12') > -1 ? 'Sierra' : result.codename;
          result.codename = result.release.indexOf('10.13') > -1 ? 'High Sierra' : result.codename;
          result.codename = result.release.indexOf('10.14') > -1 ? 'Mojave' : result.codename;
          result.codename = result.release.indexOf('10.15') > -1 ? 'Catalina' : result.codename;
          result.codename = result.release.startsWith('11.') ? 'Big Sur' : result.codename;
          result.codename = result.release.startsWith('12.') ? 'Monterey' : result.codename;
          result.codename = result.release.startsWith('13.') ? 'Ventura' : result.codename;
          result.codename = result.release.startsWith('14.') ? 'Sonoma' : result.codename;
          result.codename = result.release.startsWith('15.') ? 'Sequoia' : result.codename;
          result.codename = result.release.startsWith('26.') ? 'Tahoe' : result.codename;
          result.codename = result.release.startsWith('27.') ? 'Golden Gate' : result.codename;
          result.uefi = true;
          result.codepage = util.getCodepage();
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        result.release = result.kernel;
        exec('uname -o', (error, stdout) => {
          const lines = stdout.toString().split('\n');
          result.distro = lines[0];
          result.logofile = getLogoFile(result.distro);
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        result.logofile = getLogoFile();
        result.release = result.kernel;
        try {
          const workload = [];
          workload.push(util.powerShell('Get-CimInstance Win32_OperatingSystem | select Caption,SerialNumber,BuildNumber,ServicePackMajorVersion,ServicePackMinorVersion | fl'));
          workload.push(util.powerShell('(Get-CimInstance Win32_ComputerSystem).HypervisorPresent'));
          workload.push(util.powerShell('Add-Type -AssemblyName System.Windows.Forms; [System.Windows.Forms.SystemInformation]::TerminalServerSession'));
          workload.push(util.powerShell('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v DisplayVersion'));
          util.promiseAll(workload).then((data) => {
            const lines = data.results[0] ? data.results[0].toString().split('\r\n') : [''];
            result.distro = util.getValue(lines, 'Caption', ':').trim();
            result.serial = util.getValue(lines, 'SerialNumber', ':').trim();
            result.build = util.getValue(lines, 'BuildNumber', ':').trim();
            result.servicepack = util.getValue(lines, 'ServicePackMajorVersion', ':').trim() + '.' + util.getValue(lines, 'ServicePackMinorVersion', ':').trim();
            result.codepage = util.getCodepage();
            const hyperv = data.results[1] ? data.results[1].toString().toLowerCase() : '';
            result.hypervisor = hyperv.indexOf('true') !== -1;
            const term = data.results[2] ? data.results[2].toString() : '';
            if (data.results[3]) {
              const codenameParts = data.results[3].split('REG_SZ');
              result.codename = codenameParts.length > 1 ? codenameParts[1].trim() : '';
            }
            if (!result.codename) {
              const buildNum = parseInt(result.build, 10);
              result.codename = getWindowsRelease(buildNum);
            }
            result.remoteSession = term.toString().toLowerCase().indexOf('true') >= 0;
            isUefiWindows().then((uefi) => {
              result.uefi = uefi;
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.osInfo = osInfo;

function isUefiLinux() {
  return new Promise((resolve) => {
    process.nextTick(() => {
      fs.stat('/sys/firmware/efi', (err) => {
        if (!err) {
          return resolve(true);
        } else {
          exec('dmesg | grep -E "EFI v"', (error, stdout) => {
            if (!error) {
              const lines = stdout.toString().split('\n');
              return resolve(lines.length > 0);
            }
            return resolve(false);
          });
        }
      });
    });
  });
}

function isUefiWindows() {
  return new Promise((resolve) => {
    process.nextTick(() => {
      try {
        const logFile = util.WINDIR + '\\Panther\\setupact.log';
        const fwEfi = () => (process.env.firmware_type || '').toLowerCase().indexOf('efi') >= 0;
        fs.stat(logFile, (error, stats) => {
          // skip huge logs
          if (error || stats.size > 50 * 1024 * 1024) {
            return resolve(fwEfi());
          }
          fs.readFile(logFile, 'latin1', (error, content) => {
            const line = !error
              ? content
                  .split('\n')
                  .filter((l) => l.indexOf('Detected boot environment') >= 0)
                  .join('\n')
              : '';
            if (line) {
              return resolve(line.toLowerCase().indexOf('efi') >= 0);
            }
            return resolve(fwEfi());
          });
        });
      } catch {
        return resolve(false);
      }
    });
  });
}

function versions(apps, callback) {
  callback = util.isFunction(callback) ? callback : null;
  let versionObject = {
    kernel: os.release(),
    apache: '',
    bash: '',
    bun: '',
    deno: '',
    docker: '',
    dotnet: '',
    fish: '',
    gcc: '',
    git: '',
    grunt: '',
    gulp: '',
    homebrew: '',
    java: '',
    mongodb: '',
    mysql: '',
    nginx: '',
    node: '', //process.versions.node,
    npm: '',
    openssl: '',
    perl: '',
    php: '',
    pip3: '',
    pip: '',
    pm2: '',
    postfix: '',
    postgresql: '',
    powershell: '',
    python3: '',
    python: '',
    redis: '',
    systemOpenssl: '',
    systemOpensslLib: '',
    tsc: '',
    v8: process.versions.v8,
    virtualbox: '',
    yarn: '',
    zsh: ''
  };

  function checkVersionParam(apps) {
    if (apps === '*') {
      return {
        versions: versionObject,
        counter: 34
      };
    }
    if (!Array.isArray(apps)) {
      apps = apps.trim().toLowerCase().replace(/,+/g, '|').replace(/ /g, '|');
      apps = apps.split('|');
      const result = {
        versions: {},
        counter: 0
      };
      apps.forEach((el) => {
        if (el) {
          for (let key in versionObject) {
            if ({}.hasOwnProperty.call(versionObject, key)) {
              if (key.toLowerCase() === el.toLowerCase() && !{}.hasOwnProperty.call(result.versions, key)) {
                result.versions[key] = versionObject[key];
                if (key === 'openssl') {
                  result.versions.systemOpenssl = '';
                  result.versions.systemOpensslLib = '';
                }

                if (!result.versions[key]) {
                  result.counter++;
                }
              }
            }
          }
        }
      });
      return result;
    }
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      if (util.isFunction(apps) && !callback) {
        callback = apps;
        apps = '*';
      } else {
        apps = apps || '*';
        if (typeof apps !== 'string') {
          if (callback) {
            callback({});
          }
          return resolve({});
        }
      }
      const appsObj = checkVersionParam(apps);
      let totalFunctions = appsObj.counter;

      if (totalFunctions <= 0) {
        if (callback) {
          callback(appsObj.versions);
        }
        return resolve(appsObj.versions);
      }

      let functionProcessed = (() => {
        return () => {
          if (--totalFunctions === 0) {
            if (callback) {
              callback(appsObj.versions);
            }
            resolve(appsObj.versions);
          }
        };
      })();

      let cmd = '';
      try {
        if ({}.hasOwnProperty.call(appsObj.versions, 'openssl')) {
          appsObj.versions.openssl = process.versions.openssl;
          exec('openssl version', (error, stdout) => {
            if (!error) {
              let openssl_string = stdout.toString().split('\n')[0].trim();
              let openssl = openssl_string.split(' ');
              appsObj.versions.systemOpenssl = openssl.length > 0 ? openssl[1] : openssl[0];
              appsObj.versions.systemOpensslLib = openssl.length > 0 ? openssl[0] : 'openssl';
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'npm')) {
          exec('npm -v', (error, stdout) => {
            if (!error) {
              appsObj.versions.npm = stdout.toString().split('\n')[0];
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'pm2')) {
          cmd = 'pm2';
          if (_windows) {
            cmd += '.cmd';
          }
          exec(`${cmd} -v`, (error, stdout) => {
            if (!error) {
              let pm2 = stdout.toString().split('\n')[0].trim();
              if (!pm2.startsWith('[PM2]')) {
                appsObj.versions.pm2 = pm2;
              }
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'yarn')) {
          exec('yarn --version', (error, stdout) => {
            if (!error) {
              appsObj.versions.yarn = stdout.toString().split('\n')[0];
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'gulp')) {
          cmd = 'gulp';
          if (_windows) {
            cmd += '.cmd';
          }
          exec(`${cmd} --version`, (error, stdout) => {
            if (!error) {
              const gulp = stdout.toString().split('\n')[0] || '';
              appsObj.versions.gulp = (gulp.toLowerCase().split('version')[1] || '').trim();
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'homebrew')) {
          cmd = 'brew';
          exec(`${cmd} --version`, (error, stdout) => {
            if (!error) {
              const brew = stdout.toString().split('\n')[0] || '';
              appsObj.versions.homebrew = (brew.toLowerCase().split(' ')[1] || '').trim();
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'tsc')) {
          cmd = 'tsc';
          if (_windows) {
            cmd += '.cmd';
          }
          exec(`${cmd} --version`, (error, stdout) => {
            if (!error) {
              const tsc = stdout.toString().split('\n')[0] || '';
              appsObj.versions.tsc = (tsc.toLowerCase().split('version')[1] || '').trim();
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'grunt')) {
          cmd = 'grunt';
          if (_windows) {
            cmd += '.cmd';
          }
          exec(`${cmd} --version`, (error, stdout) => {
            if (!error) {
              const grunt = stdout.toString().split('\n')[0] || '';
              appsObj.versions.grunt = (grunt.toLowerCase().split('cli v')[1] || '').trim();
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'git')) {
          if (_darwin) {
            const gitHomebrewExists = fs.existsSync('/usr/local/Cellar/git') || fs.existsSync('/opt/homebrew/bin/git');
            if (util.darwinXcodeExists() || gitHomebrewExists) {
              exec('git --version', (error, stdout) => {
                if (!error) {
                  let git = stdout.toString().split('\n')[0] || '';
                  git = (git.toLowerCase().split('version')[1] || '').trim();
                  appsObj.versions.git = (git.split(' ')[0] || '').trim();
                }
                functionProcessed();
              });
            } else {
              functionProcessed();
            }
          } else {
            exec('git --version', (error, stdout) => {
              if (!error) {
                let git = stdout.toString().split('\n')[0] || '';
                git = (git.toLowerCase().split('version')[1] || '').trim();
                appsObj.versions.git = (git.split(' ')[0] || '').trim();
              }
              functionProcessed();
            });
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'apache')) {
          exec('apachectl -v 2>&1', (error, stdout) => {
            if (!error) {
              const apache = (stdout.toString().split('\n')[0] || '').split(':');
              appsObj.versions.apache = apache.length > 1 ? apache[1].replace('Apache', '').replace('/', '').split('(')[0].trim() : '';
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'nginx')) {
          exec('nginx -v 2>&1', (error, stdout) => {
            if (!error) {
              const nginx = stdout.toString().split('\n')[0] || '';
              appsObj.versions.nginx = (nginx.toLowerCase().split('/')[1] || '').trim();
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'mysql')) {
          exec('mysql -V', (error, stdout) => {
            if (!error) {
              let mysql = stdout.toString().split('\n')[0] || '';
              mysql = mysql.toLowerCase();
              if (mysql.indexOf(',') > -1) {
                mysql = (mysql.split(',')[0] || '').trim();
                const parts = mysql.split(' ');
                appsObj.versions.mysql = (parts[parts.length - 1] || '').trim();
              } else {
                if (mysql.indexOf(' ver ') > -1) {
                  mysql = mysql.split(' ver ')[1];
                  appsObj.versions.mysql = mysql.split(' ')[0];
                }
              }
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'php')) {
          exec('php -v', (error, stdout) => {
            if (!error) {
              const php = stdout.toString().split('\n')[0] || '';
              let parts = php.split('(');
              if (parts[0].indexOf('-')) {
                parts = parts[0].split('-');
              }
              appsObj.versions.php = parts[0].replace(/[^0-9.]/g, '');
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'redis')) {
          exec('redis-server --version', (error, stdout) => {
            if (!error) {
              const redis = stdout.toString().split('\n')[0] || '';
              const parts = redis.split(' ');
              appsObj.versions.redis = util.getValue(parts, 'v', '=', true);
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'docker')) {
          exec('docker --version', (error, stdout) => {
            if (!error) {
              const docker = stdout.toString().split('\n')[0] || '';
              const parts = docker.split(' ');
              appsObj.versions.docker = parts.length > 2 && parts[2].endsWith(',') ? parts[2].slice(0, -1) : '';
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'postfix')) {
          exec('postconf -d | grep mail_version', (error, stdout) => {
            if (!error) {
              const postfix = stdout.toString().split('\n') || [];
              appsObj.versions.postfix = util.getValue(postfix, 'mail_version', '=', true);
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'mongodb')) {
          exec('mongod --version', (error, stdout) => {
            if (!error) {
              const mongodb = stdout.toString().split('\n')[0] || '';
              appsObj.versions.mongodb = (mongodb.toLowerCase().split(',')[0] || '').replace(/[^0-9.]/g, '');
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'postgresql')) {
          if (_windows) {
            util.powerShell('Get-CimInstance Win32_Service | select caption | fl').then((stdout) => {
              let serviceSections = stdout.split(/\n\s*\n/);
              serviceSections.forEach((item) => {
                if (item.trim() !== '') {
                  let lines = item.trim().split('\r\n');
                  let srvCaption = util.getValue(lines, 'caption', ':', true).toLowerCase();
                  if (srvCaption.indexOf('postgresql') > -1) {
                    const parts = srvCaption.split(' server ');
                    if (parts.length > 1) {
                      appsObj.versions.postgresql = parts[1];
                    }
                  }
                }
              });
              functionProcessed();
            });
          } else {
            const parsePostgres = (stdout) => {
              const postgresql = stdout.toString().split('\n')[0].split(' ') || [];
              let version = postgresql.length ? postgresql[postgresql.length - 1] : '';
              if (version.includes('(') && postgresql.length >= 2 && !postgresql[postgresql.length - 2].includes('(')) {
                version = postgresql[postgresql.length - 2];
              }
              return version.split('-')[0];
            };
            // no `locate`: its output is any user-writable path and must not be executed
            const tryPostgres = (cmds) => {
              if (!cmds.length) {
                return functionProcessed();
              }
              exec(cmds[0], (error, stdout) => {
                if (!error && stdout.toString().trim()) {
                  appsObj.versions.postgresql = parsePostgres(stdout);
                  functionProcessed();
                } else {
                  tryPostgres(cmds.slice(1));
                }
              });
            };
            tryPostgres(['postgres -V', 'pg_config --version', 'psql -V']);
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'perl')) {
          exec('perl -v', (error, stdout) => {
            if (!error) {
              const perl = stdout.toString().split('\n') || '';
              while (perl.length > 0 && perl[0].trim() === '') {
                perl.shift();
              }
              if (perl.length > 0) {
                appsObj.versions.perl = perl[0].split('(').pop().split(')')[0].replace('v', '');
              }
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'python')) {
          if (_darwin) {
            try {
              const stdout = execSync('sw_vers');
              const lines = stdout.toString().split('\n');
              const osVersion = util.getValue(lines, 'ProductVersion', ':');
              const gitHomebrewExists1 = fs.existsSync('/usr/local/Cellar/python');
              const gitHomebrewExists2 = fs.existsSync('/opt/homebrew/bin/python');
              if ((util.darwinXcodeExists() && util.semverCompare('12.0.1', osVersion) < 0) || gitHomebrewExists1 || gitHomebrewExists2) {
                const cmd = gitHomebrewExists1 ? '/usr/local/Cellar/python -V 2>&1' : gitHomebrewExists2 ? '/opt/homebrew/bin/python -V 2>&1' : 'python -V 2>&1';
                exec(cmd, (error, stdout) => {
                  if (!error) {
                    const python = stdout.toString().split('\n')[0] || '';
                    appsObj.versions.python = python.toLowerCase().replace('python', '').trim();
                  }
                  functionProcessed();
                });
              } else {
                functionProcessed();
              }
            } catch {
              functionProcessed();
            }
          } else {
            exec('python -V 2>&1', (error, stdout) => {
              if (!error) {
                const python = stdout.toString().split('\n')[0] || '';
                appsObj.versions.python = python.toLowerCase().replace('python', '').trim();
              }
              functionProcessed();
            });
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'python3')) {
          if (_darwin) {
            const gitHomebrewExists = fs.existsSync('/usr/local/Cellar/python3') || fs.existsSync('/opt/homebrew/bin/python3');
            if (util.darwinXcodeExists() || gitHomebrewExists) {
              exec('python3 -V 2>&1', (error, stdout) => {
                if (!error) {
                  const python = stdout.toString().split('\n')[0] || '';
                  appsObj.versions.python3 = python.toLowerCase().replace('python', '').trim();
                }
                functionProcessed();
              });
            } else {
              functionProcessed();
            }
          } else {
            exec('python3 -V 2>&1', (error, stdout) => {
              if (!error) {
                const python = stdout.toString().split('\n')[0] || '';
                appsObj.versions.python3 = python.toLowerCase().replace('python', '').trim();
              }
              functionProcessed();
            });
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'pip')) {
          if (_darwin) {
            const gitHomebrewExists = fs.existsSync('/usr/local/Cellar/pip') || fs.existsSync('/opt/homebrew/bin/pip');
            if (util.darwinXcodeExists() || gitHomebrewExists) {
              exec('pip -V 2>&1', (error, stdout) => {
                if (!error) {
                  const pip = stdout.toString().split('\n')[0] || '';
                  const parts = pip.split(' ');
                  appsObj.versions.pip = parts.length >= 2 ? parts[1] : '';
                }
                functionProcessed();
              });
            } else {
              functionProcessed();
            }
          } else {
            exec('pip -V 2>&1', (error, stdout) => {
              if (!error) {
                const pip = stdout.toString().split('\n')[0] || '';
                const parts = pip.split(' ');
                appsObj.versions.pip = parts.length >= 2 ? parts[1] : '';
              }
              functionProcessed();
            });
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'pip3')) {
          if (_darwin) {
            const gitHomebrewExists = fs.existsSync('/usr/local/Cellar/pip3') || fs.existsSync('/opt/homebrew/bin/pip3');
            if (util.darwinXcodeExists() || gitHomebrewExists) {
              exec('pip3 -V 2>&1', (error, stdout) => {
                if (!error) {
                  const pip = stdout.toString().split('\n')[0] || '';
                  const parts = pip.split(' ');
                  appsObj.versions.pip3 = parts.length >= 2 ? parts[1] : '';
                }
                functionProcessed();
              });
            } else {
              functionProcessed();
            }
          } else {
            exec('pip3 -V 2>&1', (error, stdout) => {
              if (!error) {
                const pip = stdout.toString().split('\n')[0] || '';
                const parts = pip.split(' ');
                appsObj.versions.pip3 = parts.length >= 2 ? parts[1] : '';
              }
              functionProcessed();
            });
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'java')) {
          if (_darwin) {
            // check if any JVM is installed but avoid dialog box that Java needs to be installed
            exec('/usr/libexec/java_home -V 2>&1', (error, stdout) => {
              if (!error && stdout.toString().toLowerCase().indexOf('no java runtime') === -1) {
                // now this can be done savely
                exec('java -version 2>&1', (error, stdout) => {
                  if (!error) {
                    const java = stdout.toString().split('\n')[0] || '';
                    const parts = java.split('"');
                    appsObj.versions.java = parts.length === 3 ? parts[1].trim() : '';
                  }
                  functionProcessed();
                });
              } else {
                functionProcessed();
              }
            });
          } else {
            exec('java -version 2>&1', (error, stdout) => {
              if (!error) {
                const java = stdout.toString().split('\n')[0] || '';
                const parts = java.split('"');
                appsObj.versions.java = parts.length === 3 ? parts[1].trim() : '';
              }
              functionProcessed();
            });
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'gcc')) {
          if ((_darwin && util.darwinXcodeExists()) || !_darwin) {
            exec('gcc -dumpversion', (error, stdout) => {
              if (!error) {
                appsObj.versions.gcc = stdout.toString().split('\n')[0].trim() || '';
              }
              if (appsObj.versions.gcc.indexOf('.') > -1) {
                functionProcessed();
              } else {
                exec('gcc --version', (error, stdout) => {
                  if (!error) {
                    const gcc = stdout.toString().split('\n')[0].trim();
                    if (gcc.indexOf('gcc') > -1 && gcc.indexOf(')') > -1) {
                      const parts = gcc.split(')');
                      appsObj.versions.gcc = parts[1].trim() || appsObj.versions.gcc;
                    }
                  }
                  functionProcessed();
                });
              }
            });
          } else {
            functionProcessed();
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'virtualbox')) {
          exec(util.getVboxmanage() + ' -v 2>&1', (error, stdout) => {
            if (!error) {
              const vbox = stdout.toString().split('\n')[0] || '';
              const parts = vbox.split('r');
              appsObj.versions.virtualbox = parts[0];
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'bash')) {
          exec('bash --version', (error, stdout) => {
            if (!error) {
              const line = stdout.toString().split('\n')[0];
              const parts = line.split(' version ');
              if (parts.length > 1) {
                appsObj.versions.bash = parts[1].split(' ')[0].split('(')[0];
              }
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'zsh')) {
          exec('zsh --version', (error, stdout) => {
            if (!error) {
              const line = stdout.toString().split('\n')[0];
              const parts = line.split('zsh ');
              if (parts.length > 1) {
                appsObj.versions.zsh = parts[1].split(' ')[0];
              }
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'fish')) {
          exec('fish --version', (error, stdout) => {
            if (!error) {
              const line = stdout.toString().split('\n')[0];
              const parts = line.split(' version ');
              if (parts.length > 1) {
                appsObj.versions.fish = parts[1].split(' ')[0];
              }
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'bun')) {
          exec('bun -v', (error, stdout) => {
            if (!error) {
              const line = stdout.toString().split('\n')[0].trim();
              appsObj.versions.bun = line;
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'deno')) {
          exec('deno -v', (error, stdout) => {
            if (!error) {
              const line = stdout.toString().split('\n')[0].trim();
              const parts = line.split(' ');
              if (parts.length > 1) {
                appsObj.versions.deno = parts[1];
              }
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'node')) {
          exec('node -v', (error, stdout) => {
            if (!error) {
              let line = stdout.toString().split('\n')[0].trim();
              if (line.startsWith('v')) {
                line = line.slice(1);
              }
              appsObj.versions.node = line;
            }
            functionProcessed();
          });
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'powershell')) {
          if (_windows) {
            util.powerShell('$PSVersionTable').then((stdout) => {
              const lines = stdout
                .toString()
                .toLowerCase()
                .split('\n')
                .map((line) => line.replace(/ +/g, ' ').replace(/ +/g, ':'));
              appsObj.versions.powershell = util.getValue(lines, 'psversion');
              functionProcessed();
            });
          } else {
            functionProcessed();
          }
        }
        if ({}.hasOwnProperty.call(appsObj.versions, 'dotnet')) {
          if (_windows) {
            util
              .powerShell(
                'gci "HKLM:\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP" -recurse | gp -name Version,Release -EA 0 | where { $_.PSChildName -match "^(?!S)\\p{L}"} | select PSChildName, Version, Release'
              )
              .then((stdout) => {
                const lines = stdout.toString().split('\r\n');
                let dotnet = '';
                lines.forEach((line) => {
                  line = line.replace(/ +/g, ' ');
                  const parts = line.split(' ');
                  dotnet =
                    dotnet ||
                    (parts[0].toLowerCase().startsWith('client') && parts.length > 2 ? parts[1].trim() : parts[0].toLowerCase().startsWith('full') && parts.length > 2 ? parts[1].trim() : '');
                });
                appsObj.versions.dotnet = dotnet.trim();
                functionProcessed();
              });
          } else {
            functionProcessed();
          }
        }
      } catch {
        if (callback) {
          callback(appsObj.versions);
        }
        resolve(appsObj.versions);
      }
    });
  });
}

exports.versions = versions;

function shell(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (_windows) {
        try {
          util.powerShell(`Get-CimInstance -className win32_process | where-object {$_.ProcessId -eq ${process.ppid} } | select Name`).then((stdout) => {
            let result = 'CMD';
            if (stdout) {
              if (stdout.toString().toLowerCase().indexOf('powershell') >= 0) {
                result = 'PowerShell';
              }
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback('CMD');
          }
          resolve('CMD');
        }
      } else {
        let result = '';
        exec('echo $SHELL', (error, stdout) => {
          if (!error) {
            result = stdout.toString().split('\n')[0];
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
    });
  });
}

exports.shell = shell;

// macOS 26+ and some hardened linux kernels mask MACs in getifaddrs()
const MASKED_MACS = ['00:00:00:00:00:00', '02:00:00:00:00:00'];

function getUniqueMacAdresses() {
  let macs = [];
  try {
    const ifaces = os.networkInterfaces();
    let fallbackMacs = null;
    for (let dev in ifaces) {
      if ({}.hasOwnProperty.call(ifaces, dev)) {
        ifaces[dev].forEach((details) => {
          if (details && details.mac) {
            let mac = details.mac.toLowerCase();
            if (MASKED_MACS.indexOf(mac) >= 0) {
              if (fallbackMacs === null) {
                try {
                  fallbackMacs = (__nccwpck_require__(536).getMacAddresses)();
                } catch {
                  fallbackMacs = {};
                }
              }
              mac = (fallbackMacs[dev] || '').toLowerCase();
            }
            if (mac && MASKED_MACS.indexOf(mac) === -1 && macs.indexOf(mac) === -1) {
              macs.push(mac);
            }
          }
        });
      }
    }
    macs = macs.sort((a, b) => {
      if (a < b) {
        return -1;
      }
      if (a > b) {
        return 1;
      }
      return 0;
    });
  } catch {
    macs.push('00:00:00:00:00:00');
  }
  return macs;
}

function uuid(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        os: '',
        hardware: '',
        macs: getUniqueMacAdresses()
      };
      let parts;

      if (_darwin) {
        exec('system_profiler SPHardwareDataType -json', (error, stdout) => {
          if (!error) {
            try {
              const jsonObj = JSON.parse(stdout.toString());
              if (jsonObj.SPHardwareDataType && jsonObj.SPHardwareDataType.length > 0) {
                const spHardware = jsonObj.SPHardwareDataType[0];
                result.os = spHardware.platform_UUID.toLowerCase();
                result.hardware = spHardware.serial_number;
              }
            } catch {
              util.noop();
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_linux) {
        const cmd = `echo -n "os: "; cat /var/lib/dbus/machine-id 2> /dev/null ||
cat /etc/machine-id 2> /dev/null; echo;
echo -n "hardware: "; cat /sys/class/dmi/id/product_uuid 2> /dev/null; echo;`;
        exec(cmd, (error, stdout) => {
          const lines = stdout.toString().split('\n');
          result.os = util.getValue(lines, 'os').toLowerCase();
          result.hardware = util.getValue(lines, 'hardware').toLowerCase();
          if (!result.hardware) {
            try {
              const lines = fs.readFileSync('/proc/cpuinfo', { encoding: 'utf8' }).toString().split('\n');
              const serial = util.getValue(lines, 'serial');
              result.hardware = serial || '';
            } catch {
              result.hardware = '';
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_freebsd || _openbsd || _netbsd) {
        exec('sysctl -i kern.hostid kern.hostuuid', (error, stdout) => {
          const lines = stdout.toString().split('\n');
          result.hardware = util.getValue(lines, 'kern.hostid', ':').toLowerCase();
          result.os = util.getValue(lines, 'kern.hostuuid', ':').toLowerCase();
          if (result.os.indexOf('unknown') >= 0) {
            result.os = '';
          }
          if (result.hardware.indexOf('unknown') >= 0) {
            result.hardware = '';
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        // Sysnative: 64-bit reg.exe from a 32-bit node process
        const sysdir = process.arch === 'ia32' && Object.prototype.hasOwnProperty.call(process.env, 'PROCESSOR_ARCHITEW6432') ? 'Sysnative' : 'System32';
        util.powerShell('Get-CimInstance Win32_ComputerSystemProduct | select UUID | fl').then((stdout) => {
          let lines = stdout.split('\r\n');
          result.hardware = util.getValue(lines, 'uuid', ':').toLowerCase();
          execFile(util.WINDIR + '\\' + sysdir + '\\reg.exe', ['query', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid'], util.execOptsWin, (error, stdout) => {
            parts = stdout.toString().split('\n\r')[0].split('REG_SZ');
            result.os = parts.length > 1 ? parts[1].replace(/\r+|\n+|\s+/gi, '').toLowerCase() : '';
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        });
      }
    });
  });
}

exports.uuid = uuid;


/***/ }),

/***/ 510:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// printers.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 15. printers
// ----------------------------------------------------------------------------------

const exec = (__nccwpck_require__(317).exec);
const util = __nccwpck_require__(796);

let _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

const winPrinterStatus = {
  1: 'Other',
  2: 'Unknown',
  3: 'Idle',
  4: 'Printing',
  5: 'Warmup',
  6: 'Stopped Printing',
  7: 'Offline'
};

function parseLinuxCupsHeader(lines) {
  const result = {};
  if (lines && lines.length) {
    if (lines[0].indexOf(' CUPS v') > 0) {
      const parts = lines[0].split(' CUPS v');
      result.cupsVersion = parts[1];
    }
  }
  return result;
}

function parseLinuxCupsPrinter(lines) {
  const result = {};
  const printerId = util.getValue(lines, 'PrinterId', ' ');
  result.id = printerId ? parseInt(printerId, 10) : null;
  result.name = util.getValue(lines, 'Info', ' ');
  result.model = lines.length > 0 && lines[0] ? lines[0].split(' ')[0] : '';
  result.uri = util.getValue(lines, 'DeviceURI', ' ');
  result.uuid = util.getValue(lines, 'UUID', ' ');
  result.status = util.getValue(lines, 'State', ' ');
  result.local = util.getValue(lines, 'Location', ' ').toLowerCase().startsWith('local');
  result.default = null;
  result.shared = util.getValue(lines, 'Shared', ' ').toLowerCase().startsWith('yes');

  return result;
}

function parseLinuxLpstatPrinter(lines, id) {
  const result = {};
  result.id = id;
  result.name = util.getValue(lines, 'Description', ':', true);
  result.model = lines.length > 0 && lines[0] ? lines[0].split(' ')[0] : '';
  result.uri = null;
  result.uuid = null;
  result.status = lines.length > 0 && lines[0] ? (lines[0].indexOf(' idle') > 0 ? 'idle' : lines[0].indexOf(' printing') > 0 ? 'printing' : 'unknown') : null;
  result.local = util.getValue(lines, 'Location', ':', true).toLowerCase().startsWith('local');
  result.default = null;
  result.shared = util.getValue(lines, 'Shared', ' ').toLowerCase().startsWith('yes');

  return result;
}

function parseDarwinPrinters(printerObject, id) {
  const result = {};
  const uriParts = printerObject.uri.split('/');
  result.id = id;
  result.name = printerObject._name;
  result.model = uriParts.length ? uriParts[uriParts.length - 1] : '';
  result.uri = printerObject.uri;
  result.uuid = null;
  result.status = printerObject.status;
  result.local = printerObject.printserver === 'local';
  result.default = printerObject.default === 'yes';
  result.shared = printerObject.shared === 'yes';

  return result;
}

function parseWindowsPrinters(lines, id) {
  const result = {};
  const status = parseInt(util.getValue(lines, 'PrinterStatus', ':'), 10);

  result.id = id;
  result.name = util.getValue(lines, 'name', ':');
  result.model = util.getValue(lines, 'DriverName', ':');
  result.uri = null;
  result.uuid = null;
  result.status = winPrinterStatus[status] ? winPrinterStatus[status] : null;
  result.local = util.getValue(lines, 'Local', ':').toUpperCase() === 'TRUE';
  result.default = util.getValue(lines, 'Default', ':').toUpperCase() === 'TRUE';
  result.shared = util.getValue(lines, 'Shared', ':').toUpperCase() === 'TRUE';

  return result;
}

function printer(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = [];
      if (_linux || _freebsd || _openbsd || _netbsd) {
        let cmd = 'cat /etc/cups/printers.conf 2>/dev/null';
        exec(cmd, (error, stdout) => {
          // printers.conf
          if (!error) {
            const parts = stdout.toString().split('<Printer ');
            const printerHeader = parseLinuxCupsHeader(parts[0].split('\n'));
            for (let i = 1; i < parts.length; i++) {
              const printers = parseLinuxCupsPrinter(parts[i].split('\n'));
              if (printers.name) {
                printers.engine = 'CUPS';
                printers.engineVersion = printerHeader.cupsVersion;
                result.push(printers);
              }
            }
          }
          if (result.length === 0) {
            if (_linux) {
              cmd = 'export LC_ALL=C; lpstat -lp 2>/dev/null; unset LC_ALL';
              // lpstat
              exec(cmd, (error, stdout) => {
                const parts = ('\n' + stdout.toString()).split('\nprinter ');
                for (let i = 1; i < parts.length; i++) {
                  const printers = parseLinuxLpstatPrinter(parts[i].split('\n'), i);
                  result.push(printers);
                }
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        });
      }
      if (_darwin) {
        let cmd = 'system_profiler SPPrintersDataType -json';
        exec(cmd, (error, stdout) => {
          if (!error) {
            try {
              const outObj = JSON.parse(stdout.toString());
              if (outObj.SPPrintersDataType && outObj.SPPrintersDataType.length) {
                for (let i = 0; i < outObj.SPPrintersDataType.length; i++) {
                  const printer = parseDarwinPrinters(outObj.SPPrintersDataType[i], i);
                  result.push(printer);
                }
              }
            } catch {
              util.noop();
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        util.powerShell('Get-CimInstance Win32_Printer | select PrinterStatus,Name,DriverName,Local,Default,Shared | fl').then((stdout, error) => {
          if (!error) {
            const parts = stdout.toString().split(/\n\s*\n/);
            for (let i = 0; i < parts.length; i++) {
              const printer = parseWindowsPrinters(parts[i].split('\n'), i);
              if (printer.name || printer.model) {
                result.push(printer);
              }
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        resolve(null);
      }
    });
  });
}

exports.printer = printer;


/***/ }),

/***/ 947:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// processes.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 10. Processes
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const fs = __nccwpck_require__(896);
const path = __nccwpck_require__(928);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);

const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

const _processes_cpu = {
  all: 0,
  all_utime: 0,
  all_stime: 0,
  list: {},
  ms: 0,
  result: {}
};
const _services_cpu = {
  all: 0,
  all_utime: 0,
  all_stime: 0,
  list: {},
  ms: 0,
  result: {}
};
const _process_cpu = {
  all: 0,
  all_utime: 0,
  all_stime: 0,
  list: {},
  ms: 0,
  result: {}
};

const _winStatusValues = {
  0: 'unknown',
  1: 'other',
  2: 'ready',
  3: 'running',
  4: 'blocked',
  5: 'suspended blocked',
  6: 'suspended ready',
  7: 'terminated',
  8: 'stopped',
  9: 'growing'
};

function parseTimeUnix(time) {
  let result = time;
  const parts = time.replace(/ +/g, ' ').split(' ');
  if (parts.length === 5) {
    result = parts[4] + '-' + ('0' + ('JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC'.indexOf(parts[1].toUpperCase()) / 3 + 1)).slice(-2) + '-' + ('0' + parts[2]).slice(-2) + ' ' + parts[3];
  }
  return result;
}

function parseElapsedTime(etime) {
  let current = new Date();
  current = new Date(current.getTime() - current.getTimezoneOffset() * 60000);

  const elapsed = etime.split('-');

  const timeIndex = elapsed.length - 1;
  const days = timeIndex > 0 ? parseInt(elapsed[timeIndex - 1]) : 0;

  const timeStr = elapsed[timeIndex].split(':');
  const hours = timeStr.length === 3 ? parseInt(timeStr[0] || 0) : 0;
  const mins = parseInt(timeStr[timeStr.length === 3 ? 1 : 0] || 0);
  const secs = parseInt(timeStr[timeStr.length === 3 ? 2 : 1] || 0);
  const ms = (((days * 24 + hours) * 60 + mins) * 60 + secs) * 1000;

  let res = new Date(current.getTime());
  let result = res.toISOString().substring(0, 10) + ' ' + res.toISOString().substring(11, 19);
  try {
    res = new Date(current.getTime() - ms);
    result = res.toISOString().substring(0, 10) + ' ' + res.toISOString().substring(11, 19);
  } catch (e) {
    util.noop();
  }
  return result;
}

// --------------------------
// PS - services
// pass a comma separated string with services to check (mysql, apache, postgresql, ...)
// this function gives an array back, if the services are running.

// whitelist via char compare - no String/RegExp prototype methods involved
function psServiceName(srv) {
  const s = String(srv);
  let name = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === ' ' || c === '_' || c === '.' || c === '-' || c === '@') {
      name += c;
    }
  }
  return name;
}

function services(srv, callback) {
  callback = util.isFunction(callback) ? callback : null;
  // fallback - if only callback is given
  if (util.isFunction(srv) && !callback) {
    callback = srv;
    srv = '';
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      if (typeof srv !== 'string') {
        if (callback) {
          callback([]);
        }
        return resolve([]);
      }

      if (srv) {
        let srvString = '';
        try {
          srvString.__proto__.toLowerCase = util.stringToLower;
          srvString.__proto__.replace = util.stringReplace;
          srvString.__proto__.toString = util.stringToString;
          srvString.__proto__.substr = util.stringSubstr;
          srvString.__proto__.substring = util.stringSubstring;
          srvString.__proto__.trim = util.stringTrim;
          srvString.__proto__.startsWith = util.stringStartWith;
          srvString.__proto__.split = util.stringSplit;
        } catch (e) {
          Object.setPrototypeOf(srvString, util.stringObj);
        }

        const s = util.sanitizeShellString(srv);
        const l = util.mathMin(s.length, 2000);
        for (let i = 0; i <= l; i++) {
          if (s[i] !== undefined) {
            srvString = srvString + s[i];
          }
        }

        srvString = srvString.trim().toLowerCase().replace(/, /g, '|').replace(/,+/g, '|');
        if (srvString === '') {
          srvString = '*';
        }
        if (util.isPrototypePolluted() && srvString !== '*') {
          srvString = '------';
        }
        let srvs = util.stringSplit.call(srvString, '|');
        const result = [];
        const dataSrv = [];

        if (_linux || _freebsd || _openbsd || _netbsd || _darwin) {
          if ((_linux || _freebsd || _openbsd || _netbsd) && srvString === '*') {
            try {
              const tmpsrv = execSync('systemctl --all --type=service --no-legend 2> /dev/null', util.execOptsLinux).toString().split('\n');
              srvs = [];
              for (const s of tmpsrv) {
                const name = s.split('.service')[0];
                if (name && s.indexOf(' not-found ') === -1) {
                  srvs.push(name.trim());
                }
              }
              srvString = srvs.join('|');
            } catch (d) {
              try {
                srvString = '';
                const tmpsrv = execSync('service --status-all 2> /dev/null', util.execOptsLinux).toString().split('\n');
                for (const s of tmpsrv) {
                  const parts = s.split(']');
                  if (parts.length === 2) {
                    srvString += (srvString !== '' ? '|' : '') + parts[1].trim();
                  }
                }
                srvs = srvString.split('|');
              } catch (e) {
                try {
                  const srvStr = execSync('ls /etc/init.d/ -m 2> /dev/null', util.execOptsLinux).toString().split('\n').join('');
                  srvString = '';
                  if (srvStr) {
                    const tmpsrv = srvStr.split(',');
                    for (const s of tmpsrv) {
                      const name = s.trim();
                      if (name) {
                        srvString += (srvString !== '' ? '|' : '') + name;
                      }
                    }
                    srvs = srvString.split('|');
                  }
                } catch (f) {
                  srvString = '';
                  srvs = [];
                }
              }
            }
          }
          if (_darwin && srvString === '*') {
            // service enumeration not yet suported on mac OS
            if (callback) {
              callback(result);
            }
            return resolve(result);
          }
          let args = _darwin ? ['-caxo', 'pcpu,pmem,pid,command'] : ['-axo', 'pcpu,pmem,pid,command'];
          if (srvString !== '' && srvs.length > 0) {
            util.execSafe('ps', args).then((stdout) => {
              if (stdout) {
                const lines = stdout.replace(/ +/g, ' ').replace(/,+/g, '.').split('\n');
                srvs.forEach((srv) => {
                  let ps;
                  if (_darwin) {
                    ps = lines.filter((e) => e.toLowerCase().indexOf(srv) !== -1);
                  } else {
                    ps = lines.filter(
                      (e) =>
                        e.toLowerCase().indexOf(' ' + srv.toLowerCase() + ':') !== -1 ||
                        e.toLowerCase().indexOf('(' + srv.toLowerCase() + ' ') !== -1 ||
                        e.toLowerCase().indexOf('(' + srv.toLowerCase() + ')') !== -1 ||
                        e.toLowerCase().indexOf(' ' + srv.toLowerCase().replace(/[0-9.]/g, '') + ':') !== -1 ||
                        e.toLowerCase().indexOf('/' + srv.toLowerCase()) !== -1
                    );
                  }
                  const pids = [];
                  for (const p of ps) {
                    const pid = p.trim().split(' ')[2];
                    if (pid) {
                      pids.push(parseInt(pid, 10));
                    }
                  }
                  result.push({
                    name: srv,
                    running: ps.length > 0,
                    startmode: '',
                    pids: pids,
                    cpu: parseFloat(ps.reduce((pv, cv) => pv + parseFloat(cv.trim().split(' ')[0]), 0).toFixed(2)),
                    mem: parseFloat(ps.reduce((pv, cv) => pv + parseFloat(cv.trim().split(' ')[1]), 0).toFixed(2))
                  });
                });
                if (_linux) {
                  // calc process_cpu - ps is not accurate in linux!
                  // ps pcpu is a lifetime average, the /proc values below are an interval share -
                  // drop the ps seed instead of adding both (#1007)
                  result.forEach((item) => {
                    item.cpu = 0;
                  });
                  let cmd = 'cat /proc/stat | grep "cpu "';
                  for (const i in result) {
                    for (const j in result[i].pids) {
                      cmd += ';cat /proc/' + result[i].pids[j] + '/stat';
                    }
                  }
                  // freeze the baseline before the async call - a concurrent call overwrites _services_cpu
                  // and would leave this one dividing by a few jiffies (#1007)
                  const cpuBaseline = Object.assign({}, _services_cpu);
                  exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
                    const curr_processes = stdout.toString().split('\n');

                    // first line (all - /proc/stat)
                    const all = parseProcStat(curr_processes.shift());

                    // process
                    const list_new = {};
                    let resultProcess = {};
                    curr_processes.forEach((element) => {
                      resultProcess = calcProcStatLinux(element, all, cpuBaseline);

                      if (resultProcess.pid) {
                        let listPos = -1;
                        for (const i in result) {
                          for (const j in result[i].pids) {
                            if (parseInt(result[i].pids[j]) === parseInt(resultProcess.pid)) {
                              listPos = i;
                            }
                          }
                        }
                        if (listPos >= 0) {
                          result[listPos].cpu += resultProcess.cpuu + resultProcess.cpus;
                        }

                        // save new values
                        list_new[resultProcess.pid] = {
                          cpuu: resultProcess.cpuu,
                          cpus: resultProcess.cpus,
                          utime: resultProcess.utime,
                          stime: resultProcess.stime
                        };
                      }
                    });

                    // store old values
                    _services_cpu.all = all;
                    _services_cpu.list = Object.assign({}, list_new);
                    _services_cpu.ms = Date.now();
                    _services_cpu.result = Object.assign({}, result);
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  });
                } else {
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                }
              } else {
                args = ['-o', 'comm'];
                util.execSafe('ps', args).then((stdout) => {
                  if (stdout) {
                    const lines = stdout.replace(/ +/g, ' ').replace(/,+/g, '.').split('\n');
                    srvs.forEach((srv) => {
                      const ps = lines.filter((e) => e.indexOf(srv) !== -1);
                      result.push({
                        name: srv,
                        running: ps.length > 0,
                        startmode: '',
                        cpu: 0,
                        mem: 0
                      });
                    });
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  } else {
                    srvs.forEach((srv) => {
                      result.push({
                        name: srv,
                        running: false,
                        startmode: '',
                        cpu: 0,
                        mem: 0
                      });
                    });
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  }
                });
              }
            });
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } else if (_windows) {
          try {
            let wincommand = 'Get-CimInstance Win32_Service';
            if (srvs[0] !== '*') {
              wincommand += ' -Filter "';
              srvs.forEach((srv) => {
                // whitelist: srv is inserted into a PowerShell string
                wincommand += `Name='${psServiceName(srv)}' or `;
              });
              wincommand = `${wincommand.slice(0, -4)}"`;
            }
            wincommand += ' | select Name,Caption,Started,StartMode,ProcessId | fl';
            util.powerShell(wincommand).then((stdout, error) => {
              if (!error) {
                const serviceSections = stdout.split(/\n\s*\n/);
                serviceSections.forEach((element) => {
                  if (element.trim() !== '') {
                    const lines = element.trim().split('\r\n');
                    const srvName = util.getValue(lines, 'Name', ':', true).toLowerCase();
                    const srvCaption = util.getValue(lines, 'Caption', ':', true).toLowerCase();
                    const started = util.getValue(lines, 'Started', ':', true);
                    const startMode = util.getValue(lines, 'StartMode', ':', true);
                    const pid = util.getValue(lines, 'ProcessId', ':', true);
                    if (srvString === '*' || srvs.indexOf(srvName) >= 0 || srvs.indexOf(srvCaption) >= 0) {
                      result.push({
                        name: srvName,
                        running: started.toLowerCase() === 'true',
                        startmode: startMode,
                        pids: [pid],
                        cpu: 0,
                        mem: 0
                      });
                      dataSrv.push(srvName);
                      dataSrv.push(srvCaption);
                    }
                  }
                });

                if (srvString !== '*') {
                  const srvsMissing = srvs.filter((e) => dataSrv.indexOf(e) === -1);
                  srvsMissing.forEach((srvName) => {
                    result.push({
                      name: srvName,
                      running: false,
                      startmode: '',
                      pids: [],
                      cpu: 0,
                      mem: 0
                    });
                  });
                }
                if (callback) {
                  callback(result);
                }
                resolve(result);
              } else {
                srvs.forEach((srvName) => {
                  result.push({
                    name: srvName,
                    running: false,
                    startmode: '',
                    cpu: 0,
                    mem: 0
                  });
                });
                if (callback) {
                  callback(result);
                }
                resolve(result);
              }
            });
          } catch {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      } else {
        if (callback) {
          callback([]);
        }
        resolve([]);
      }
    });
  });
}

exports.services = services;

function parseProcStat(line) {
  const parts = line.replace(/ +/g, ' ').split(' ');
  const user = parts.length >= 2 ? parseInt(parts[1]) : 0;
  const nice = parts.length >= 3 ? parseInt(parts[2]) : 0;
  const system = parts.length >= 4 ? parseInt(parts[3]) : 0;
  const idle = parts.length >= 5 ? parseInt(parts[4]) : 0;
  const iowait = parts.length >= 6 ? parseInt(parts[5]) : 0;
  const irq = parts.length >= 7 ? parseInt(parts[6]) : 0;
  const softirq = parts.length >= 8 ? parseInt(parts[7]) : 0;
  const steal = parts.length >= 9 ? parseInt(parts[8]) : 0;
  const guest = parts.length >= 10 ? parseInt(parts[9]) : 0;
  const guest_nice = parts.length >= 11 ? parseInt(parts[10]) : 0;
  return user + nice + system + idle + iowait + irq + softirq + steal + guest + guest_nice;
}

// drops NaN/Infinity/negative values and scales cpuu + cpus down proportionally
// if their sum exceeds 100 (normalized against all cores)
function clampCpuPair(cpuu, cpus) {
  if (!isFinite(cpuu) || cpuu < 0) {
    cpuu = 0;
  }
  if (!isFinite(cpus) || cpus < 0) {
    cpus = 0;
  }
  const total = cpuu + cpus;
  if (total > 100) {
    cpuu = (cpuu / total) * 100;
    cpus = (cpus / total) * 100;
  }
  return { cpuu: cpuu, cpus: cpus };
}

function calcProcStatLinux(line, all, _cpu_old) {
  const statparts = line.replace(/ +/g, ' ').split(')');
  if (statparts.length >= 2) {
    const parts = statparts[1].split(' ');
    if (parts.length >= 16) {
      const pid = parseInt(statparts[0].split(' ')[0]);
      const utime = parseInt(parts[12]);
      const stime = parseInt(parts[13]);

      // calc - child times (cutime/cstime) are deliberately left out: reaping a child adds its
      // whole lifetime in one interval, which is what produced the >100% spikes in #1007.
      // top, htop and Task Manager exclude them too.
      let cpuu = 0;
      let cpus = 0;
      if (_cpu_old.all > 0 && _cpu_old.list[pid]) {
        const delta = all - _cpu_old.all;
        cpuu = delta > 0 ? ((utime - _cpu_old.list[pid].utime) / delta) * 100 : 0; // user
        cpus = delta > 0 ? ((stime - _cpu_old.list[pid].stime) / delta) * 100 : 0; // system
      } else {
        cpuu = all > 0 ? (utime / all) * 100 : 0; // user
        cpus = all > 0 ? (stime / all) * 100 : 0; // system
      }
      // normalized against all cores, so 100 is the ceiling for cpuu + cpus
      const clamped = clampCpuPair(cpuu, cpus);
      return {
        pid: pid,
        utime: utime,
        stime: stime,
        cpuu: clamped.cpuu,
        cpus: clamped.cpus
      };
    } else {
      return {
        pid: 0,
        utime: 0,
        stime: 0,
        cpuu: 0,
        cpus: 0
      };
    }
  } else {
    return {
      pid: 0,
      utime: 0,
      stime: 0,
      cpuu: 0,
      cpus: 0
    };
  }
}

function calcProcStatWin(procStat, all, _cpu_old) {
  // calc
  let cpuu = 0;
  let cpus = 0;
  if (_cpu_old.all > 0 && _cpu_old.list[procStat.pid]) {
    const delta = all - _cpu_old.all;
    cpuu = delta > 0 ? ((procStat.utime - _cpu_old.list[procStat.pid].utime) / delta) * 100 : 0; // user
    cpus = delta > 0 ? ((procStat.stime - _cpu_old.list[procStat.pid].stime) / delta) * 100 : 0; // system
  } else {
    cpuu = all > 0 ? (procStat.utime / all) * 100 : 0; // user
    cpus = all > 0 ? (procStat.stime / all) * 100 : 0; // system
  }
  // same ceiling as the linux path - cpuu + cpus stays inside [0, 100] (#1007)
  const clamped = clampCpuPair(cpuu, cpus);
  return {
    pid: procStat.pid,
    utime: procStat.utime,
    stime: procStat.stime,
    cpuu: clamped.cpuu,
    cpus: clamped.cpus
  };
}

// --------------------------
// running processes

function processes(callback) {
  callback = util.isFunction(callback) ? callback : null;
  let parsedhead = [];

  function getName(command) {
    command = command || '';
    let result = command.split(' ')[0];
    if (result.substr(-1) === ':') {
      result = result.substr(0, result.length - 1);
    }
    if (result.substr(0, 1) !== '[') {
      const parts = result.split('/');
      if (isNaN(parseInt(parts[parts.length - 1]))) {
        result = parts[parts.length - 1];
      } else {
        result = parts[0];
      }
    }
    return result;
  }

  function parseLine(line) {
    if (parsedhead.length < 13) {
      return null;
    }
    let offset = 0;
    let offset2 = 0;

    function checkColumn(i) {
      offset = offset2;
      if (parsedhead[i]) {
        offset2 = line.substring(parsedhead[i].to + offset, 10000).indexOf(' ');
      } else {
        offset2 = 10000;
      }
    }

    checkColumn(0);
    const pid = parseInt(line.substring(parsedhead[0].from + offset, parsedhead[0].to + offset2));
    checkColumn(1);
    const ppid = parseInt(line.substring(parsedhead[1].from + offset, parsedhead[1].to + offset2));
    checkColumn(2);
    const cpu = parseFloat(line.substring(parsedhead[2].from + offset, parsedhead[2].to + offset2).replace(/,/g, '.'));
    checkColumn(3);
    const mem = parseFloat(line.substring(parsedhead[3].from + offset, parsedhead[3].to + offset2).replace(/,/g, '.'));
    checkColumn(4);
    const priority = parseInt(line.substring(parsedhead[4].from + offset, parsedhead[4].to + offset2));
    checkColumn(5);
    const vsz = parseInt(line.substring(parsedhead[5].from + offset, parsedhead[5].to + offset2));
    checkColumn(6);
    const rss = parseInt(line.substring(parsedhead[6].from + offset, parsedhead[6].to + offset2));
    checkColumn(7);
    const nice = parseInt(line.substring(parsedhead[7].from + offset, parsedhead[7].to + offset2)) || 0;
    checkColumn(8);
    const started = !_sunos
      ? parseElapsedTime(line.substring(parsedhead[8].from + offset, parsedhead[8].to + offset2).trim())
      : parseTimeUnix(line.substring(parsedhead[8].from + offset, parsedhead[8].to + offset2).trim());
    checkColumn(9);
    let state = line.substring(parsedhead[9].from + offset, parsedhead[9].to + offset2).trim();
    state =
      state[0] === 'R'
        ? 'running'
        : state[0] === 'S'
          ? 'sleeping'
          : state[0] === 'T'
            ? 'stopped'
            : state[0] === 'W'
              ? 'paging'
              : state[0] === 'X'
                ? 'dead'
                : state[0] === 'Z'
                  ? 'zombie'
                  : state[0] === 'D' || state[0] === 'U'
                    ? 'blocked'
                    : 'unknown';
    checkColumn(10);
    let tty = line.substring(parsedhead[10].from + offset, parsedhead[10].to + offset2).trim();
    if (tty === '?' || tty === '??') {
      tty = '';
    }
    checkColumn(11);
    const user = line.substring(parsedhead[11].from + offset, parsedhead[11].to + offset2).trim();
    checkColumn(12);
    let cmdPath = '';
    let command = '';
    let params = '';
    let fullcommand = line.substring(parsedhead[12].from + offset, parsedhead[12].to + offset2).trim();
    // zombies are printed as "[name] <defunct>" - drop the marker so the bracket handling below
    // sees a plain "[name]" and does not leak "] <defunct>" into command and name
    if (fullcommand.endsWith(' <defunct>')) {
      fullcommand = fullcommand.slice(0, -10).trim();
    }
    if (fullcommand.substr(fullcommand.length - 1) === ']') {
      fullcommand = fullcommand.slice(0, -1);
    }
    if (fullcommand.substr(0, 1) === '[') {
      command = fullcommand.substring(1);
    } else {
      const p1 = fullcommand.indexOf('(');
      const p2 = fullcommand.indexOf(')');
      const p3 = fullcommand.indexOf('/');
      const p4 = fullcommand.indexOf(':');
      if (p1 < p2 && p1 < p3 && p3 < p2) {
        command = fullcommand.split(' ')[0];
        command = command.replace(/:/g, '');
      } else {
        if (p4 > 0 && (p3 === -1 || p3 > 3)) {
          command = fullcommand.split(' ')[0];
          command = command.replace(/:/g, '');
        } else {
          // try to figure out where parameter starts
          let firstParamPos = fullcommand.indexOf(' -');
          let firstParamPathPos = fullcommand.indexOf(' /');
          firstParamPos = firstParamPos >= 0 ? firstParamPos : 10000;
          firstParamPathPos = firstParamPathPos >= 0 ? firstParamPathPos : 10000;
          const firstPos = Math.min(firstParamPos, firstParamPathPos);
          let tmpCommand = fullcommand.substr(0, firstPos);
          const tmpParams = fullcommand.substr(firstPos);
          const lastSlashPos = tmpCommand.lastIndexOf('/');
          if (lastSlashPos >= 0) {
            cmdPath = tmpCommand.substr(0, lastSlashPos);
            tmpCommand = tmpCommand.substr(lastSlashPos + 1);
          }

          if (firstPos === 10000 && tmpCommand.indexOf(' ') > -1) {
            const parts = tmpCommand.split(' ');
            if (fs.existsSync(path.join(cmdPath, parts[0]))) {
              command = parts.shift();
              params = (parts.join(' ') + ' ' + tmpParams).trim();
            } else {
              command = tmpCommand.trim();
              params = tmpParams.trim();
            }
          } else {
            command = tmpCommand.trim();
            params = tmpParams.trim();
          }
        }
      }
    }

    return {
      pid: pid,
      parentPid: ppid,
      name: _linux ? getName(command) : command,
      cpu: cpu,
      cpuu: 0,
      cpus: 0,
      mem: mem,
      priority: priority,
      memVsz: vsz,
      memRss: rss,
      nice: nice,
      started: started,
      state: state,
      tty: tty,
      user: user,
      command: command,
      params: params,
      path: cmdPath
    };
  }

  function parseProcesses(lines) {
    const result = [];
    if (lines.length > 1) {
      const head = lines[0];
      parsedhead = util.parseHead(head, 8);
      lines.shift();
      lines.forEach((line) => {
        if (line.trim() !== '') {
          const parsed = parseLine(line);
          if (parsed) {
            result.push(parsed);
          }
        }
      });
    }
    return result;
  }
  function parseProcesses2(lines) {
    function formatDateTime(time) {
      const month = ('0' + (time.getMonth() + 1).toString()).slice(-2);
      const year = time.getFullYear().toString();
      const day = ('0' + time.getDate().toString()).slice(-2);
      const hours = ('0' + time.getHours().toString()).slice(-2);
      const mins = ('0' + time.getMinutes().toString()).slice(-2);
      const secs = ('0' + time.getSeconds().toString()).slice(-2);

      return year + '-' + month + '-' + day + ' ' + hours + ':' + mins + ':' + secs;
    }

    function parseElapsed(etime) {
      let started = '';
      if (etime.indexOf('d') >= 0) {
        const elapsed_parts = etime.split('d');
        started = formatDateTime(new Date(Date.now() - (elapsed_parts[0] * 24 + elapsed_parts[1] * 1) * 60 * 60 * 1000));
      } else if (etime.indexOf('h') >= 0) {
        const elapsed_parts = etime.split('h');
        started = formatDateTime(new Date(Date.now() - (elapsed_parts[0] * 60 + elapsed_parts[1] * 1) * 60 * 1000));
      } else if (etime.indexOf(':') >= 0) {
        const elapsed_parts = etime.split(':');
        let seconds = 0;
        if (elapsed_parts.length === 3) {
          seconds = elapsed_parts[0] * 3600 + elapsed_parts[1] * 60 + elapsed_parts[2] * 1;
        } else if (elapsed_parts.length === 2) {
          seconds = elapsed_parts[0] * 60 + elapsed_parts[1] * 1;
        } else {
          seconds = elapsed_parts[0] * 1;
        }
        started = formatDateTime(new Date(Date.now() - seconds * 1000));
      }
      return started;
    }

    const result = [];
    lines.forEach((line) => {
      if (line.trim() !== '') {
        line = line.trim().replace(/ +/g, ' ').replace(/,+/g, '.');
        const parts = line.split(' ');
        const command = parts.slice(9).join(' ');
        const pmem = parseFloat(((1.0 * parseInt(parts[3]) * 1024) / os.totalmem()).toFixed(1));
        const started = parseElapsed(parts[5]);

        result.push({
          pid: parseInt(parts[0]),
          parentPid: parseInt(parts[1]),
          name: getName(command),
          cpu: 0,
          cpuu: 0,
          cpus: 0,
          mem: pmem,
          priority: 0,
          memVsz: parseInt(parts[2]),
          memRss: parseInt(parts[3]),
          nice: parseInt(parts[4]),
          started: started,
          state:
            parts[6] === 'R'
              ? 'running'
              : parts[6] === 'S'
                ? 'sleeping'
                : parts[6] === 'T'
                  ? 'stopped'
                  : parts[6] === 'W'
                    ? 'paging'
                    : parts[6] === 'X'
                      ? 'dead'
                      : parts[6] === 'Z'
                        ? 'zombie'
                        : parts[6] === 'D' || parts[6] === 'U'
                          ? 'blocked'
                          : 'unknown',
          tty: parts[7],
          user: parts[8],
          command: command
        });
      }
    });
    return result;
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = {
        all: 0,
        running: 0,
        blocked: 0,
        sleeping: 0,
        unknown: 0,
        list: []
      };

      let cmd = '';

      if ((_processes_cpu.ms && Date.now() - _processes_cpu.ms >= 500) || _processes_cpu.ms === 0) {
        if (_linux || _freebsd || _openbsd || _netbsd || _darwin || _sunos) {
          if (_linux) {
            cmd = 'export LC_ALL=C; ps -axo pid:11,ppid:11,pcpu:6,pmem:6,pri:5,vsz:11,rss:11,ni:5,etime:30,state:5,tty:15,user:20,command; unset LC_ALL';
          }
          if (_freebsd || _openbsd || _netbsd) {
            cmd = 'export LC_ALL=C; ps -axo pid,ppid,pcpu,pmem,pri,vsz,rss,ni,etime,state,tty,user,command; unset LC_ALL';
          }
          if (_darwin) {
            cmd = 'ps -axo pid,ppid,pcpu,pmem,pri,vsz=temp_title_1,rss=temp_title_2,nice,etime=temp_title_3,state,tty,user,command -r';
          }
          if (_sunos) {
            cmd = 'ps -Ao pid,ppid,pcpu,pmem,pri,vsz,rss,nice,stime,s,tty,user,comm';
          }
          try {
            exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
              if (!error && stdout.toString().trim()) {
                result.list = parseProcesses(stdout.toString().split('\n')).slice();
                result.all = result.list.length;
                result.running = result.list.filter((e) => {
                  return e.state === 'running';
                }).length;
                result.blocked = result.list.filter((e) => {
                  return e.state === 'blocked';
                }).length;
                result.sleeping = result.list.filter((e) => {
                  return e.state === 'sleeping';
                }).length;

                if (_linux) {
                  // calc process_cpu - ps is not accurate in linux!
                  cmd = 'cat /proc/stat | grep "cpu "';
                  result.list.forEach((element) => {
                    cmd += ';cat /proc/' + element.pid + '/stat';
                  });
                  // freeze the baseline before the async call - a concurrent call overwrites _processes_cpu
                  // and would leave this one dividing by a few jiffies (#1007)
                  const cpuBaseline = Object.assign({}, _processes_cpu);
                  exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
                    const curr_processes = stdout.toString().split('\n');

                    // first line (all - /proc/stat)
                    const all = parseProcStat(curr_processes.shift());

                    // process
                    const list_new = {};
                    let resultProcess = {};
                    curr_processes.forEach((element) => {
                      resultProcess = calcProcStatLinux(element, all, cpuBaseline);

                      if (resultProcess.pid) {
                        // store pcpu in outer array
                        const listPos = result.list
                          .map((e) => {
                            return e.pid;
                          })
                          .indexOf(resultProcess.pid);
                        if (listPos >= 0) {
                          result.list[listPos].cpu = resultProcess.cpuu + resultProcess.cpus;
                          result.list[listPos].cpuu = resultProcess.cpuu;
                          result.list[listPos].cpus = resultProcess.cpus;
                        }

                        // save new values
                        list_new[resultProcess.pid] = {
                          cpuu: resultProcess.cpuu,
                          cpus: resultProcess.cpus,
                          utime: resultProcess.utime,
                          stime: resultProcess.stime
                        };
                      }
                    });

                    // store old values
                    _processes_cpu.all = all;
                    _processes_cpu.list = Object.assign({}, list_new);
                    _processes_cpu.ms = Date.now();
                    _processes_cpu.result = Object.assign({}, result);
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  });
                } else {
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                }
              } else {
                cmd = 'ps -o pid,ppid,vsz,rss,nice,etime,stat,tty,user,comm';
                if (_sunos) {
                  cmd = 'ps -o pid,ppid,vsz,rss,nice,etime,s,tty,user,comm';
                }
                exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
                  if (!error) {
                    const lines = stdout.toString().split('\n');
                    lines.shift();

                    result.list = parseProcesses2(lines).slice();
                    result.all = result.list.length;
                    result.running = result.list.filter((e) => {
                      return e.state === 'running';
                    }).length;
                    result.blocked = result.list.filter((e) => {
                      return e.state === 'blocked';
                    }).length;
                    result.sleeping = result.list.filter((e) => {
                      return e.state === 'sleeping';
                    }).length;
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  } else {
                    if (callback) {
                      callback(result);
                    }
                    resolve(result);
                  }
                });
              }
            });
          } catch {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } else if (_windows) {
          try {
            // freeze the baseline before the async call - a concurrent call overwrites _processes_cpu
            // and would leave this one with a non positive delta (#1007)
            const cpuBaseline = Object.assign({}, _processes_cpu);
            util
              .powerShell(
                `Get-CimInstance Win32_Process | select-Object ProcessId,ParentProcessId,ExecutionState,Caption,CommandLine,ExecutablePath,UserModeTime,KernelModeTime,WorkingSetSize,Priority,PageFileUsage,
                @{n="CreationDate";e={$_.CreationDate.ToString("yyyy-MM-dd HH:mm:ss")}} | ConvertTo-Json -compress`
              )
              .then((stdout, error) => {
                if (!error) {
                  const procs = [];
                  const procStats = [];
                  const list_new = {};
                  // accumulate from the previous totals and add deltas only - a process that exited
                  // must not lower the total, otherwise the denominator turns negative (#559)
                  let allcpuu = cpuBaseline.all_utime;
                  let allcpus = cpuBaseline.all_stime;
                  let processArray = [];
                  try {
                    stdout = stdout.trim().replace(/^\uFEFF/, '');
                    processArray = JSON.parse(stdout);
                    if (!Array.isArray(processArray)) {
                      processArray = [processArray];
                    }
                  } catch {}
                  processArray.forEach((element) => {
                    const pid = element.ProcessId;
                    const parentPid = element.ParentProcessId;
                    const statusValue = element.ExecutionState || null;
                    const name = element.Caption;
                    const commandLine = element.CommandLine;
                    // get additional command line data
                    const commandPath = element.ExecutablePath;
                    const utime = element.UserModeTime;
                    const stime = element.KernelModeTime;
                    const memw = element.WorkingSetSize;
                    const cpuOld = cpuBaseline.list[pid];
                    allcpuu += utime - (cpuOld ? cpuOld.utime : 0);
                    allcpus += stime - (cpuOld ? cpuOld.stime : 0);
                    result.all++;
                    if (!statusValue) {
                      result.unknown++;
                    }
                    if (statusValue === '3') {
                      result.running++;
                    }
                    if (statusValue === '4' || statusValue === '5') {
                      result.blocked++;
                    }

                    procStats.push({
                      pid: pid,
                      utime: utime,
                      stime: stime,
                      cpu: 0,
                      cpuu: 0,
                      cpus: 0
                    });
                    procs.push({
                      pid: pid,
                      parentPid: parentPid,
                      name: name,
                      cpu: 0,
                      cpuu: 0,
                      cpus: 0,
                      mem: (memw / os.totalmem()) * 100,
                      priority: element.Priority || null,
                      memVsz: element.PageFileUsage || null,
                      memRss: Math.floor((element.WorkingSetSize || 0) / 1024),
                      nice: 0,
                      started: element.CreationDate,
                      state: statusValue ? _winStatusValues[statusValue] : _winStatusValues[0],
                      tty: '',
                      user: '',
                      command: commandLine || name,
                      path: commandPath,
                      params: ''
                    });
                  });

                  result.sleeping = result.all - result.running - result.blocked - result.unknown;
                  result.list = procs;
                  procStats.forEach((element) => {
                    const resultProcess = calcProcStatWin(element, allcpuu + allcpus, cpuBaseline);

                    // store pcpu in outer array
                    const listPos = result.list.map((e) => e.pid).indexOf(resultProcess.pid);
                    if (listPos >= 0) {
                      result.list[listPos].cpu = resultProcess.cpuu + resultProcess.cpus;
                      result.list[listPos].cpuu = resultProcess.cpuu;
                      result.list[listPos].cpus = resultProcess.cpus;
                    }

                    // save new values
                    list_new[resultProcess.pid] = {
                      cpuu: resultProcess.cpuu,
                      cpus: resultProcess.cpus,
                      utime: resultProcess.utime,
                      stime: resultProcess.stime
                    };
                  });

                  // store old values
                  _processes_cpu.all = allcpuu + allcpus;
                  _processes_cpu.all_utime = allcpuu;
                  _processes_cpu.all_stime = allcpus;
                  _processes_cpu.list = Object.assign({}, list_new);
                  _processes_cpu.ms = Date.now();
                  _processes_cpu.result = Object.assign({}, result);
                }
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
          } catch {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      } else {
        if (callback) {
          callback(_processes_cpu.result);
        }
        resolve(_processes_cpu.result);
      }
    });
  });
}

exports.processes = processes;

// --------------------------
// PS - process load
// get detailed information about a certain process
// (PID, CPU-Usage %, Mem-Usage %)

function processLoad(proc, callback) {
  callback = util.isFunction(callback) ? callback : null;
  // fallback - if only callback is given
  if (util.isFunction(proc) && !callback) {
    callback = proc;
    proc = '';
  }

  return new Promise((resolve) => {
    process.nextTick(() => {
      proc = proc || '';

      if (typeof proc !== 'string') {
        if (callback) {
          callback([]);
        }
        return resolve([]);
      }

      let processesString = '';
      try {
        processesString.__proto__.toLowerCase = util.stringToLower;
        processesString.__proto__.replace = util.stringReplace;
        processesString.__proto__.toString = util.stringToString;
        processesString.__proto__.substr = util.stringSubstr;
        processesString.__proto__.substring = util.stringSubstring;
        processesString.__proto__.trim = util.stringTrim;
        processesString.__proto__.startsWith = util.stringStartWith;
        processesString.__proto__.split = util.stringSplit;
      } catch {
        Object.setPrototypeOf(processesString, util.stringObj);
      }

      const s = util.sanitizeShellString(proc);
      const l = util.mathMin(s.length, 2000);

      for (let i = 0; i <= l; i++) {
        if (s[i] !== undefined) {
          processesString = processesString + s[i];
        }
      }

      processesString = processesString.trim().toLowerCase().replace(/, /g, '|').replace(/,+/g, '|');
      if (processesString === '') {
        processesString = '*';
      }
      if (util.isPrototypePolluted() && processesString !== '*') {
        processesString = '------';
      }
      const processes = util.stringSplit.call(processesString, '|');
      const result = [];

      const procSanitized = util.isPrototypePolluted() ? '' : util.sanitizeShellString(proc) || '*';

      // from here new
      // let result = {
      //   'proc': procSanitized,
      //   'pid': null,
      //   'cpu': 0,
      //   'mem': 0
      // };
      if (procSanitized && processes.length && processes[0] !== '------') {
        if (_windows) {
          try {
            // freeze the baseline before the async call - a concurrent call overwrites _process_cpu
            // and would leave this one with a non positive delta (#1007)
            const cpuBaseline = Object.assign({}, _process_cpu);
            util.powerShell('Get-CimInstance Win32_Process | select ProcessId,Caption,UserModeTime,KernelModeTime,WorkingSetSize | ConvertTo-Json -compress').then((stdout, error) => {
              if (!error) {
                const procStats = [];
                const list_new = {};
                // see processes() - never lower the total when a process exits (#559)
                let allcpuu = cpuBaseline.all_utime;
                let allcpus = cpuBaseline.all_stime;
                let processArray = [];
                try {
                  stdout = stdout.trim().replace(/^\uFEFF/, '');
                  processArray = JSON.parse(stdout);
                  if (!Array.isArray(processArray)) {
                    processArray = [processArray];
                  }
                } catch {}

                // go through all processes
                processArray.forEach((element) => {
                  const pid = element.ProcessId;
                  const name = element.Caption;
                  const utime = element.UserModeTime;
                  const stime = element.KernelModeTime;
                  const mem = element.WorkingSetSize;
                  const cpuOld = cpuBaseline.list[pid];
                  allcpuu += utime - (cpuOld ? cpuOld.utime : 0);
                  allcpus += stime - (cpuOld ? cpuOld.stime : 0);

                  procStats.push({
                    pid: pid,
                    name,
                    utime: utime,
                    stime: stime,
                    cpu: 0,
                    cpuu: 0,
                    cpus: 0,
                    mem
                  });
                  let pname = '';
                  let inList = false;
                  processes.forEach((proc) => {
                    if (name.toLowerCase().indexOf(proc.toLowerCase()) >= 0 && !inList) {
                      inList = true;
                      pname = proc;
                    }
                  });

                  if (processesString === '*' || inList) {
                    let processFound = false;
                    result.forEach((item) => {
                      if (item.proc.toLowerCase() === pname.toLowerCase()) {
                        item.pids.push(pid);
                        item.mem += (mem / os.totalmem()) * 100;
                        processFound = true;
                      }
                    });
                    if (!processFound) {
                      result.push({
                        proc: pname,
                        pid: pid,
                        pids: [pid],
                        cpu: 0,
                        mem: (mem / os.totalmem()) * 100
                      });
                    }
                  }
                });

                if (processesString !== '*') {
                  // add missing processes
                  const processesMissing = processes.filter((name) => procStats.filter((item) => item.name.toLowerCase().indexOf(name) >= 0).length === 0);
                  processesMissing.forEach((procName) => {
                    result.push({
                      proc: procName,
                      pid: null,
                      pids: [],
                      cpu: 0,
                      mem: 0
                    });
                  });
                }

                // calculate proc stats for each proc
                procStats.forEach((element) => {
                  const resultProcess = calcProcStatWin(element, allcpuu + allcpus, cpuBaseline);

                  let listPos = -1;
                  for (let j = 0; j < result.length; j++) {
                    if (result[j].pid === resultProcess.pid || result[j].pids.indexOf(resultProcess.pid) >= 0) {
                      listPos = j;
                    }
                  }
                  if (listPos >= 0) {
                    result[listPos].cpu += resultProcess.cpuu + resultProcess.cpus;
                  }

                  // save new values
                  list_new[resultProcess.pid] = {
                    cpuu: resultProcess.cpuu,
                    cpus: resultProcess.cpus,
                    utime: resultProcess.utime,
                    stime: resultProcess.stime
                  };
                });

                // store old values
                _process_cpu.all = allcpuu + allcpus;
                _process_cpu.all_utime = allcpuu;
                _process_cpu.all_stime = allcpus;
                _process_cpu.list = Object.assign({}, list_new);
                _process_cpu.ms = Date.now();
                _process_cpu.result = JSON.parse(JSON.stringify(result));
                if (callback) {
                  callback(result);
                }
                resolve(result);
              }
            });
          } catch {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } else if (_darwin || _linux || _freebsd || _openbsd || _netbsd) {
          const params = ['-axo', 'pid,ppid,pcpu,pmem,comm'];
          util.execSafe('ps', params).then((stdout) => {
            if (stdout) {
              const procStats = [];
              const lines = stdout
                .toString()
                .split('\n')
                .filter((line) => {
                  if (processesString === '*') {
                    return true;
                  }
                  if (line.toLowerCase().indexOf('grep') !== -1) {
                    return false;
                  } // remove this??
                  let found = false;
                  processes.forEach((item) => {
                    found = found || line.toLowerCase().indexOf(item.toLowerCase()) >= 0;
                  });
                  return found;
                });
              if (processesString === '*') {
                lines.shift();
              }
              lines.forEach((line) => {
                const data = line.trim().replace(/ +/g, ' ').split(' ');
                if (data.length > 4) {
                  const linuxName = data[4].indexOf('/') >= 0 ? data[4].substring(0, data[4].indexOf('/')) : data[4];
                  const name = _linux ? linuxName : data[4].substring(data[4].lastIndexOf('/') + 1);
                  procStats.push({
                    name,
                    pid: parseInt(data[0]) || 0,
                    ppid: parseInt(data[1]) || 0,
                    cpu: parseFloat(data[2].replace(',', '.')),
                    mem: parseFloat(data[3].replace(',', '.'))
                  });
                }
              });

              procStats.forEach((item) => {
                let listPos = -1;
                let inList = false;
                let name = item.name;
                for (let j = 0; j < result.length; j++) {
                  if (item.name.toLowerCase().indexOf(result[j].proc.toLowerCase()) >= 0) {
                    listPos = j;
                  }
                }
                processes.forEach((proc) => {
                  if (item.name.toLowerCase().indexOf(proc.toLowerCase()) >= 0 && !inList) {
                    inList = true;
                    name = proc;
                  }
                });
                if (processesString === '*' || inList) {
                  if (listPos < 0) {
                    if (name) {
                      result.push({
                        proc: name,
                        pid: item.pid,
                        pids: [item.pid],
                        cpu: item.cpu,
                        mem: item.mem
                      });
                    }
                  } else {
                    if (item.ppid < 10) {
                      result[listPos].pid = item.pid;
                    }
                    result[listPos].pids.push(item.pid);
                    result[listPos].cpu += item.cpu;
                    result[listPos].mem += item.mem;
                  }
                }
              });

              if (processesString !== '*') {
                // add missing processes
                const processesMissing = processes.filter((name) => {
                  return (
                    procStats.filter((item) => {
                      return item.name.toLowerCase().indexOf(name) >= 0;
                    }).length === 0
                  );
                });
                processesMissing.forEach((procName) => {
                  result.push({
                    proc: procName,
                    pid: null,
                    pids: [],
                    cpu: 0,
                    mem: 0
                  });
                });
              }
              if (_linux) {
                // calc process_cpu - ps is not accurate in linux!
                result.forEach((item) => {
                  item.cpu = 0;
                });
                let cmd = 'cat /proc/stat | grep "cpu "';
                for (const i in result) {
                  for (const j in result[i].pids) {
                    cmd += ';cat /proc/' + result[i].pids[j] + '/stat';
                  }
                }
                // freeze the baseline before the async call - a concurrent call overwrites _process_cpu
                // and would leave this one dividing by a few jiffies (#1007)
                const cpuBaseline = Object.assign({}, _process_cpu);
                exec(cmd, { maxBuffer: 1024 * 102400 }, (error, stdout) => {
                  const curr_processes = stdout.toString().split('\n');

                  // first line (all - /proc/stat)
                  const all = parseProcStat(curr_processes.shift());

                  // process
                  const list_new = {};
                  let resultProcess = {};
                  curr_processes.forEach((element) => {
                    resultProcess = calcProcStatLinux(element, all, cpuBaseline);

                    if (resultProcess.pid) {
                      // find result item
                      let resultItemId = -1;
                      for (const i in result) {
                        if (result[i].pids.indexOf(resultProcess.pid) >= 0) {
                          resultItemId = i;
                        }
                      }
                      // store pcpu in outer result
                      if (resultItemId >= 0) {
                        result[resultItemId].cpu += resultProcess.cpuu + resultProcess.cpus;
                      }

                      // save new values
                      list_new[resultProcess.pid] = {
                        cpuu: resultProcess.cpuu,
                        cpus: resultProcess.cpus,
                        utime: resultProcess.utime,
                        stime: resultProcess.stime
                      };
                    }
                  });

                  result.forEach((item) => {
                    item.cpu = Math.round(item.cpu * 100) / 100;
                  });

                  _process_cpu.all = all;
                  _process_cpu.list = Object.assign({}, list_new);
                  _process_cpu.ms = Date.now();
                  _process_cpu.result = Object.assign({}, result);
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                });
              } else {
                if (callback) {
                  callback(result);
                }
                resolve(result);
              }
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      } else {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.processLoad = processLoad;


/***/ }),

/***/ 53:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// system.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 2. System (Hardware, BIOS, Base Board)
// ----------------------------------------------------------------------------------

const fs = __nccwpck_require__(896);
const os = __nccwpck_require__(857);
const util = __nccwpck_require__(796);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const execPromise = util.promisify((__nccwpck_require__(317).exec));

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

function system(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        manufacturer: '',
        model: 'Computer',
        version: '',
        serial: '-',
        uuid: '-',
        sku: '-',
        virtual: false
      };

      if (_linux || _freebsd || _openbsd || _netbsd) {
        exec('export LC_ALL=C; dmidecode -t system 2>/dev/null; unset LC_ALL', (error, stdout) => {
          let lines = stdout.toString().split('\n');
          result.manufacturer = cleanDefaults(util.getValue(lines, 'manufacturer'));
          result.model = cleanDefaults(util.getValue(lines, 'product name'));
          result.version = cleanDefaults(util.getValue(lines, 'version'));
          result.serial = cleanDefaults(util.getValue(lines, 'serial number'));
          result.uuid = cleanDefaults(util.getValue(lines, 'uuid')).toLowerCase();
          result.sku = cleanDefaults(util.getValue(lines, 'sku number'));
          // Non-Root values
          const cmd = `echo -n "product_name: "; cat /sys/devices/virtual/dmi/id/product_name 2>/dev/null; echo;
            echo -n "product_serial: "; cat /sys/devices/virtual/dmi/id/product_serial 2>/dev/null; echo;
            echo -n "product_uuid: "; cat /sys/devices/virtual/dmi/id/product_uuid 2>/dev/null; echo;
            echo -n "product_version: "; cat /sys/devices/virtual/dmi/id/product_version 2>/dev/null; echo;
            echo -n "sys_vendor: "; cat /sys/devices/virtual/dmi/id/sys_vendor 2>/dev/null; echo;`;
          try {
            lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
            result.manufacturer = cleanDefaults(result.manufacturer === '' ? util.getValue(lines, 'sys_vendor') : result.manufacturer);
            result.model = cleanDefaults(result.model === '' ? util.getValue(lines, 'product_name') : result.model);
            result.version = cleanDefaults(result.version === '' ? util.getValue(lines, 'product_version') : result.version);
            result.serial = cleanDefaults(result.serial === '' ? util.getValue(lines, 'product_serial') : result.serial);
            result.uuid = cleanDefaults(result.uuid === '' ? util.getValue(lines, 'product_uuid').toLowerCase() : result.uuid);
          } catch {
            util.noop();
          }
          if (!result.serial) {
            result.serial = '-';
          }
          if (!result.manufacturer) {
            result.manufacturer = '';
          }
          if (!result.model) {
            result.model = 'Computer';
          }
          if (!result.version) {
            result.version = '';
          }
          if (!result.sku) {
            result.sku = '-';
          }

          // detect virtual (1)
          if (
            result.model.toLowerCase() === 'virtualbox' ||
            result.model.toLowerCase() === 'kvm' ||
            result.model.toLowerCase() === 'virtual machine' ||
            result.model.toLowerCase() === 'bochs' ||
            result.model.toLowerCase().startsWith('vmware') ||
            result.model.toLowerCase().startsWith('droplet')
          ) {
            result.virtual = true;
            switch (result.model.toLowerCase()) {
              case 'virtualbox':
                result.virtualHost = 'VirtualBox';
                break;
              case 'vmware':
                result.virtualHost = 'VMware';
                break;
              case 'kvm':
                result.virtualHost = 'KVM';
                break;
              case 'bochs':
                result.virtualHost = 'bochs';
                break;
            }
          }
          if (result.manufacturer.toLowerCase().startsWith('vmware') || result.manufacturer.toLowerCase() === 'xen') {
            result.virtual = true;
            switch (result.manufacturer.toLowerCase()) {
              case 'vmware':
                result.virtualHost = 'VMware';
                break;
              case 'xen':
                result.virtualHost = 'Xen';
                break;
            }
          }
          if (!result.virtual) {
            try {
              const disksById = execSync('ls -1 /dev/disk/by-id/ 2>/dev/null; pciconf -lv 2>/dev/null || true', util.execOptsLinux).toString();
              if (disksById.indexOf('_QEMU_') >= 0 || disksById.indexOf('QEMU ') >= 0) {
                result.virtual = true;
                result.virtualHost = 'QEMU';
              }
              if (disksById.indexOf('_VBOX_') >= 0) {
                result.virtual = true;
                result.virtualHost = 'VirtualBox';
              }
            } catch {
              util.noop();
            }
          }
          if (_freebsd || _openbsd || _netbsd) {
            try {
              const lines = execSync('sysctl -i kern.hostuuid kern.hostid hw.model', util.execOptsLinux).toString().split('\n');
              if (!result.uuid) {
                result.uuid = util.getValue(lines, 'kern.hostuuid', ':').toLowerCase();
              }
              if (!result.serial || result.serial === '-') {
                result.serial = util.getValue(lines, 'kern.hostid', ':').toLowerCase();
              }
              if (!result.model || result.model === 'Computer') {
                result.model = util.getValue(lines, 'hw.model', ':').trim();
              }
            } catch {
              util.noop();
            }
          }
          if (!result.virtual && (os.release().toLowerCase().indexOf('microsoft') >= 0 || os.release().toLowerCase().endsWith('wsl2'))) {
            const kernelVersion = parseFloat(os.release().toLowerCase());
            result.virtual = true;
            result.manufacturer = 'Microsoft';
            result.model = 'WSL';
            result.version = kernelVersion < 4.19 ? '1' : '2';
          }
          if ((_freebsd || _openbsd || _netbsd) && !result.virtualHost) {
            try {
              const procInfo = execSync('dmidecode -t 4', util.execOptsLinux);
              const procLines = procInfo.toString().split('\n');
              const procManufacturer = util.getValue(procLines, 'manufacturer', ':', true);
              switch (procManufacturer.toLowerCase()) {
                case 'virtualbox':
                  result.virtualHost = 'VirtualBox';
                  break;
                case 'vmware':
                  result.virtualHost = 'VMware';
                  break;
                case 'kvm':
                  result.virtualHost = 'KVM';
                  break;
                case 'bochs':
                  result.virtualHost = 'bochs';
                  break;
              }
            } catch {
              util.noop();
            }
          }
          // detect docker
          if (fs.existsSync('/.dockerenv') || fs.existsSync('/.dockerinit')) {
            result.model = 'Docker Container';
          }
          try {
            const stdout = execSync('dmesg 2>/dev/null | grep -iE "virtual|hypervisor" | grep -iE "vmware|qemu|kvm|xen" | grep -viE "Nested Virtualization|/virtual/"');
            // detect virtual machines
            const lines = stdout.toString().split('\n');
            if (lines.length > 0) {
              if (result.model === 'Computer') {
                result.model = 'Virtual machine';
              }
              result.virtual = true;
              if (stdout.toString().toLowerCase().indexOf('vmware') >= 0 && !result.virtualHost) {
                result.virtualHost = 'VMware';
              }
              if (stdout.toString().toLowerCase().indexOf('qemu') >= 0 && !result.virtualHost) {
                result.virtualHost = 'QEMU';
              }
              if (stdout.toString().toLowerCase().indexOf('xen') >= 0 && !result.virtualHost) {
                result.virtualHost = 'Xen';
              }
              if (stdout.toString().toLowerCase().indexOf('kvm') >= 0 && !result.virtualHost) {
                result.virtualHost = 'KVM';
              }
            }
          } catch {
            util.noop();
          }

          if (result.manufacturer === '' && result.model === 'Computer' && result.version === '') {
            // Check Raspberry Pi
            fs.readFile('/proc/cpuinfo', (error, stdout) => {
              if (!error) {
                let lines = stdout.toString().split('\n');
                result.model = util.getValue(lines, 'hardware', ':', true).toUpperCase();
                result.version = util.getValue(lines, 'revision', ':', true).toLowerCase();
                result.serial = util.getValue(lines, 'serial', ':', true);
                const model = util.getValue(lines, 'model:', ':', true);
                // reference values: https://elinux.org/RPi_HardwareHistory
                // https://www.raspberrypi.org/documentation/hardware/raspberrypi/revision-codes/README.md
                if (util.isRaspberry(lines)) {
                  const rPIRevision = util.decodePiCpuinfo(lines);
                  result.model = rPIRevision.model;
                  result.version = rPIRevision.revisionCode;
                  result.manufacturer = 'Raspberry Pi Foundation';
                  result.raspberry = {
                    manufacturer: rPIRevision.manufacturer,
                    processor: rPIRevision.processor,
                    type: rPIRevision.type,
                    revision: rPIRevision.revision
                  };
                }
              }
              if (callback) {
                callback(result);
              }
              resolve(result);
            });
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        });
      }
      if (_darwin) {
        exec('ioreg -c IOPlatformExpertDevice -d 2', (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().replace(/[<>"]/g, '').split('\n');

            const model = util.getAppleModel(util.getValue(lines, 'model', '=', true));
            result.manufacturer = util.getValue(lines, 'manufacturer', '=', true);
            result.model = model.key;
            result.type = macOsChassisType(model.version);
            result.version = model.version;
            result.serial = util.getValue(lines, 'ioplatformserialnumber', '=', true);
            result.uuid = util.getValue(lines, 'ioplatformuuid', '=', true).toLowerCase();
            result.sku = util.getValue(lines, 'board-id', '=', true) || util.getValue(lines, 'target-sub-type', '=', true);
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        try {
          util.powerShell('Get-CimInstance Win32_ComputerSystemProduct | select Name,Vendor,Version,IdentifyingNumber,UUID | fl').then((stdout, error) => {
            if (!error) {
              const lines = stdout.split('\r\n');
              result.manufacturer = util.getValue(lines, 'vendor', ':');
              result.model = util.getValue(lines, 'name', ':');
              result.version = util.getValue(lines, 'version', ':');
              result.serial = util.getValue(lines, 'identifyingnumber', ':');
              result.uuid = util.getValue(lines, 'uuid', ':').toLowerCase();
              // detect virtual (1)
              const model = result.model.toLowerCase();
              if (
                model === 'virtualbox' ||
                model === 'kvm' ||
                model === 'virtual machine' ||
                model === 'bochs' ||
                model.startsWith('vmware') ||
                model.startsWith('qemu') ||
                model.startsWith('parallels')
              ) {
                result.virtual = true;
                if (model.startsWith('virtualbox')) {
                  result.virtualHost = 'VirtualBox';
                }
                if (model.startsWith('vmware')) {
                  result.virtualHost = 'VMware';
                }
                if (model.startsWith('kvm')) {
                  result.virtualHost = 'KVM';
                }
                if (model.startsWith('bochs')) {
                  result.virtualHost = 'bochs';
                }
                if (model.startsWith('qemu')) {
                  result.virtualHost = 'KVM';
                }
                if (model.startsWith('parallels')) {
                  result.virtualHost = 'Parallels';
                }
              }
              const manufacturer = result.manufacturer.toLowerCase();
              if (manufacturer.startsWith('vmware') || manufacturer.startsWith('qemu') || manufacturer === 'xen' || manufacturer.startsWith('parallels')) {
                result.virtual = true;
                if (manufacturer.startsWith('vmware')) {
                  result.virtualHost = 'VMware';
                }
                if (manufacturer.startsWith('xen')) {
                  result.virtualHost = 'Xen';
                }
                if (manufacturer.startsWith('qemu')) {
                  result.virtualHost = 'KVM';
                }
                if (manufacturer.startsWith('parallels')) {
                  result.virtualHost = 'Parallels';
                }
              }
              util.powerShell('Get-CimInstance MS_Systeminformation -Namespace "root/wmi" | select systemsku | fl ').then((stdout, error) => {
                if (!error) {
                  const lines = stdout.split('\r\n');
                  result.sku = util.getValue(lines, 'systemsku', ':');
                }
                if (!result.virtual) {
                  util.powerShell('Get-CimInstance Win32_bios | select Version, SerialNumber, SMBIOSBIOSVersion').then((stdout, error) => {
                    if (!error) {
                      let lines = stdout.toString();
                      if (
                        lines.indexOf('VRTUAL') >= 0 ||
                        lines.indexOf('A M I ') >= 0 ||
                        lines.indexOf('VirtualBox') >= 0 ||
                        lines.indexOf('VMWare') >= 0 ||
                        lines.indexOf('Xen') >= 0 ||
                        lines.indexOf('Parallels') >= 0
                      ) {
                        result.virtual = true;
                        if (lines.indexOf('VirtualBox') >= 0 && !result.virtualHost) {
                          result.virtualHost = 'VirtualBox';
                        }
                        if (lines.indexOf('VMware') >= 0 && !result.virtualHost) {
                          result.virtualHost = 'VMware';
                        }
                        if (lines.indexOf('Xen') >= 0 && !result.virtualHost) {
                          result.virtualHost = 'Xen';
                        }
                        if (lines.indexOf('VRTUAL') >= 0 && !result.virtualHost) {
                          result.virtualHost = 'Hyper-V';
                        }
                        if (lines.indexOf('A M I') >= 0 && !result.virtualHost) {
                          result.virtualHost = 'Virtual PC';
                        }
                        if (lines.indexOf('Parallels') >= 0 && !result.virtualHost) {
                          result.virtualHost = 'Parallels';
                        }
                      }
                      if (callback) {
                        callback(result);
                      }
                      resolve(result);
                    } else {
                      if (callback) {
                        callback(result);
                      }
                      resolve(result);
                    }
                  });
                } else {
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                }
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.system = system;

function cleanDefaults(s) {
  const cmpStr = s.toLowerCase();
  if (cmpStr.indexOf('o.e.m.') === -1 && cmpStr.indexOf('default string') === -1 && cmpStr !== 'default') {
    return s || '';
  }
  return '';
}
function bios(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        vendor: '',
        version: '',
        releaseDate: '',
        revision: ''
      };
      let cmd = '';
      if (_linux || _freebsd || _openbsd || _netbsd) {
        if (process.arch === 'arm') {
          cmd = 'cat /proc/cpuinfo | grep Serial';
        } else {
          cmd = 'export LC_ALL=C; dmidecode -t bios 2>/dev/null; unset LC_ALL';
        }
        exec(cmd, (error, stdout) => {
          let lines = stdout.toString().split('\n');
          result.vendor = util.getValue(lines, 'Vendor');
          result.version = util.getValue(lines, 'Version');
          let datetime = util.getValue(lines, 'Release Date');
          result.releaseDate = util.parseDateTime(datetime).date;
          result.revision = util.getValue(lines, 'BIOS Revision');
          result.serial = util.getValue(lines, 'SerialNumber');
          let language = util.getValue(lines, 'Currently Installed Language').split('|')[0];
          if (language) {
            result.language = language;
          }
          if (lines.length && stdout.toString().indexOf('Characteristics:') >= 0) {
            const features = [];
            lines.forEach((line) => {
              if (line.indexOf(' is supported') >= 0) {
                const feature = line.split(' is supported')[0].trim();
                features.push(feature);
              }
            });
            result.features = features;
          }
          // Non-Root values
          const cmd = `echo -n "bios_date: "; cat /sys/devices/virtual/dmi/id/bios_date 2>/dev/null; echo;
            echo -n "bios_vendor: "; cat /sys/devices/virtual/dmi/id/bios_vendor 2>/dev/null; echo;
            echo -n "bios_version: "; cat /sys/devices/virtual/dmi/id/bios_version 2>/dev/null; echo;`;
          try {
            lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
            result.vendor = !result.vendor ? util.getValue(lines, 'bios_vendor') : result.vendor;
            result.version = !result.version ? util.getValue(lines, 'bios_version') : result.version;
            datetime = util.getValue(lines, 'bios_date');
            result.releaseDate = !result.releaseDate ? util.parseDateTime(datetime).date : result.releaseDate;
          } catch (e) {
            util.noop();
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        result.vendor = 'Apple Inc.';
        exec('system_profiler SPHardwareDataType -json', (error, stdout) => {
          try {
            const hardwareData = JSON.parse(stdout.toString());
            if (hardwareData && hardwareData.SPHardwareDataType && hardwareData.SPHardwareDataType.length) {
              let bootRomVersion = hardwareData.SPHardwareDataType[0].boot_rom_version;
              bootRomVersion = bootRomVersion ? bootRomVersion.split('(')[0].trim() : null;
              result.version = bootRomVersion;
            }
          } catch (e) {
            util.noop();
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        result.vendor = 'Sun Microsystems';
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        try {
          util
            .powerShell(
              'Get-CimInstance Win32_bios | select Description,Version,Manufacturer,@{n="ReleaseDate";e={$_.ReleaseDate.ToString("yyyy-MM-dd")}},BuildNumber,SerialNumber,SMBIOSBIOSVersion | fl'
            )
            .then((stdout, error) => {
              if (!error) {
                let lines = stdout.toString().split('\r\n');
                const description = util.getValue(lines, 'description', ':');
                const version = util.getValue(lines, 'SMBIOSBIOSVersion', ':');
                if (description.indexOf(' Version ') !== -1) {
                  // ... Phoenix ROM BIOS PLUS Version 1.10 A04
                  result.vendor = description.split(' Version ')[0].trim();
                  result.version = description.split(' Version ')[1].trim();
                } else if (description.indexOf(' Ver: ') !== -1) {
                  // ... BIOS Date: 06/27/16 17:50:16 Ver: 1.4.5
                  result.vendor = util.getValue(lines, 'manufacturer', ':');
                  result.version = description.split(' Ver: ')[1].trim();
                } else {
                  result.vendor = util.getValue(lines, 'manufacturer', ':');
                  result.version = version || util.getValue(lines, 'version', ':');
                }
                result.releaseDate = util.getValue(lines, 'releasedate', ':');
                result.revision = util.getValue(lines, 'buildnumber', ':');
                result.serial = cleanDefaults(util.getValue(lines, 'serialnumber', ':'));
              }

              if (callback) {
                callback(result);
              }
              resolve(result);
            });
        } catch (e) {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.bios = bios;

function baseboard(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = {
        manufacturer: '',
        model: '',
        version: '',
        serial: '-',
        assetTag: '-',
        memMax: null,
        memSlots: null
      };
      let cmd = '';
      if (_linux || _freebsd || _openbsd || _netbsd) {
        if (process.arch === 'arm') {
          cmd = 'cat /proc/cpuinfo | grep Serial';
          // 'BCM2709', 'BCM2835', 'BCM2708' -->
        } else {
          cmd = 'export LC_ALL=C; dmidecode -t 2 2>/dev/null; unset LC_ALL';
        }
        const workload = [];
        workload.push(execPromise(cmd));
        workload.push(execPromise('export LC_ALL=C; dmidecode -t memory 2>/dev/null'));
        util.promiseAll(workload).then((data) => {
          let lines = data.results[0] ? data.results[0].toString().split('\n') : [''];
          result.manufacturer = cleanDefaults(util.getValue(lines, 'Manufacturer'));
          result.model = cleanDefaults(util.getValue(lines, 'Product Name'));
          result.version = cleanDefaults(util.getValue(lines, 'Version'));
          result.serial = cleanDefaults(util.getValue(lines, 'Serial Number'));
          result.assetTag = cleanDefaults(util.getValue(lines, 'Asset Tag'));
          // Non-Root values
          const cmd = `echo -n "board_asset_tag: "; cat /sys/devices/virtual/dmi/id/board_asset_tag 2>/dev/null; echo;
            echo -n "board_name: "; cat /sys/devices/virtual/dmi/id/board_name 2>/dev/null; echo;
            echo -n "board_serial: "; cat /sys/devices/virtual/dmi/id/board_serial 2>/dev/null; echo;
            echo -n "board_vendor: "; cat /sys/devices/virtual/dmi/id/board_vendor 2>/dev/null; echo;
            echo -n "board_version: "; cat /sys/devices/virtual/dmi/id/board_version 2>/dev/null; echo;`;
          try {
            lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
            result.manufacturer = cleanDefaults(!result.manufacturer ? util.getValue(lines, 'board_vendor') : result.manufacturer);
            result.model = cleanDefaults(!result.model ? util.getValue(lines, 'board_name') : result.model);
            result.version = cleanDefaults(!result.version ? util.getValue(lines, 'board_version') : result.version);
            result.serial = cleanDefaults(!result.serial ? util.getValue(lines, 'board_serial') : result.serial);
            result.assetTag = cleanDefaults(!result.assetTag ? util.getValue(lines, 'board_asset_tag') : result.assetTag);
          } catch {
            util.noop();
          }

          // mem
          lines = data.results[1] ? data.results[1].toString().split('\n') : [''];
          result.memMax = util.toInt(util.getValue(lines, 'Maximum Capacity')) * 1024 * 1024 * 1024 || null;
          result.memSlots = util.toInt(util.getValue(lines, 'Number Of Devices')) || null;

          // raspberry
          if (util.isRaspberry()) {
            const rpi = util.decodePiCpuinfo();
            result.manufacturer = rpi.manufacturer;
            result.model = 'Raspberry Pi';
            result.serial = rpi.serial;
            result.version = rpi.type + ' - ' + rpi.revision;
            result.memMax = os.totalmem();
            result.memSlots = 0;
          }

          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        const workload = [];
        workload.push(execPromise('ioreg -c IOPlatformExpertDevice -d 2'));
        workload.push(execPromise('system_profiler SPMemoryDataType'));
        util.promiseAll(workload).then((data) => {
          const lines = data.results[0] ? data.results[0].toString().replace(/[<>"]/g, '').split('\n') : [''];
          result.manufacturer = util.getValue(lines, 'manufacturer', '=', true);
          result.model = util.getValue(lines, 'model', '=', true);
          result.version = util.getValue(lines, 'version', '=', true);
          result.serial = util.getValue(lines, 'ioplatformserialnumber', '=', true);
          result.assetTag = util.getValue(lines, 'board-id', '=', true);

          // mem
          let devices = data.results[1] ? data.results[1].toString().split('        BANK ') : [''];
          if (devices.length === 1) {
            devices = data.results[1] ? data.results[1].toString().split('        DIMM') : [''];
          }
          devices.shift();
          result.memSlots = devices.length;

          if (os.arch() === 'arm64') {
            result.memSlots = 0;
            result.memMax = os.totalmem();
          }

          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        try {
          const workload = [];
          const win10plus = parseInt(os.release()) >= 10;
          const maxCapacityAttribute = win10plus ? 'MaxCapacityEx' : 'MaxCapacity';
          workload.push(util.powerShell('Get-CimInstance Win32_baseboard | select Model,Manufacturer,Product,Version,SerialNumber,PartNumber,SKU | fl'));
          workload.push(util.powerShell(`Get-CimInstance Win32_physicalmemoryarray | select ${maxCapacityAttribute}, MemoryDevices | fl`));
          util.promiseAll(workload).then((data) => {
            let lines = data.results[0] ? data.results[0].toString().split('\r\n') : [''];

            result.manufacturer = cleanDefaults(util.getValue(lines, 'manufacturer', ':'));
            result.model = cleanDefaults(util.getValue(lines, 'model', ':'));
            if (!result.model) {
              result.model = cleanDefaults(util.getValue(lines, 'product', ':'));
            }
            result.version = cleanDefaults(util.getValue(lines, 'version', ':'));
            result.serial = cleanDefaults(util.getValue(lines, 'serialnumber', ':'));
            result.assetTag = cleanDefaults(util.getValue(lines, 'partnumber', ':'));
            if (!result.assetTag) {
              result.assetTag = cleanDefaults(util.getValue(lines, 'sku', ':'));
            }

            // memphysical
            lines = data.results[1] ? data.results[1].toString().split('\r\n') : [''];
            result.memMax = util.toInt(util.getValue(lines, maxCapacityAttribute, ':')) * (win10plus ? 1024 : 1) || null;
            result.memSlots = util.toInt(util.getValue(lines, 'MemoryDevices', ':')) || null;

            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.baseboard = baseboard;

function macOsChassisType(model) {
  model = model.toLowerCase();
  if (model.indexOf('macbookair') >= 0 || model.indexOf('macbook air') >= 0) {
    return 'Notebook';
  }
  if (model.indexOf('macbookpro') >= 0 || model.indexOf('macbook pro') >= 0) {
    return 'Notebook';
  }
  if (model.indexOf('macbook') >= 0) {
    return 'Notebook';
  }
  if (model.indexOf('macmini') >= 0 || model.indexOf('mac mini') >= 0) {
    return 'Desktop';
  }
  if (model.indexOf('imac') >= 0) {
    return 'Desktop';
  }
  if (model.indexOf('macstudio') >= 0 || model.indexOf('mac studio') >= 0) {
    return 'Desktop';
  }
  if (model.indexOf('macpro') >= 0 || model.indexOf('mac pro') >= 0) {
    return 'Tower';
  }
  return 'Other';
}

function chassis(callback) {
  callback = util.isFunction(callback) ? callback : null;
  const chassisTypes = [
    'Other',
    'Unknown',
    'Desktop',
    'Low Profile Desktop',
    'Pizza Box',
    'Mini Tower',
    'Tower',
    'Portable',
    'Laptop',
    'Notebook',
    'Hand Held',
    'Docking Station',
    'All in One',
    'Sub Notebook',
    'Space-Saving',
    'Lunch Box',
    'Main System Chassis',
    'Expansion Chassis',
    'SubChassis',
    'Bus Expansion Chassis',
    'Peripheral Chassis',
    'Storage Chassis',
    'Rack Mount Chassis',
    'Sealed-Case PC',
    'Multi-System Chassis',
    'Compact PCI',
    'Advanced TCA',
    'Blade',
    'Blade Enclosure',
    'Tablet',
    'Convertible',
    'Detachable',
    'IoT Gateway ',
    'Embedded PC',
    'Mini PC',
    'Stick PC'
  ];

  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = {
        manufacturer: '',
        model: '',
        type: '',
        version: '',
        serial: '-',
        assetTag: '-',
        sku: ''
      };
      if (_linux || _freebsd || _openbsd || _netbsd) {
        const cmd = `echo -n "chassis_asset_tag: "; cat /sys/devices/virtual/dmi/id/chassis_asset_tag 2>/dev/null; echo;
            echo -n "chassis_serial: "; cat /sys/devices/virtual/dmi/id/chassis_serial 2>/dev/null; echo;
            echo -n "chassis_type: "; cat /sys/devices/virtual/dmi/id/chassis_type 2>/dev/null; echo;
            echo -n "chassis_vendor: "; cat /sys/devices/virtual/dmi/id/chassis_vendor 2>/dev/null; echo;
            echo -n "chassis_version: "; cat /sys/devices/virtual/dmi/id/chassis_version 2>/dev/null; echo;`;
        exec(cmd, (error, stdout) => {
          let lines = stdout.toString().split('\n');
          result.manufacturer = cleanDefaults(util.getValue(lines, 'chassis_vendor'));
          const ctype = parseInt(util.getValue(lines, 'chassis_type').replace(/\D/g, ''));
          result.type = cleanDefaults(ctype && !isNaN(ctype) && ctype <= chassisTypes.length ? chassisTypes[ctype - 1] : '');
          result.version = cleanDefaults(util.getValue(lines, 'chassis_version'));
          result.serial = cleanDefaults(util.getValue(lines, 'chassis_serial'));
          result.assetTag = cleanDefaults(util.getValue(lines, 'chassis_asset_tag'));

          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        exec('ioreg -c IOPlatformExpertDevice -d 2', (error, stdout) => {
          if (!error) {
            const lines = stdout.toString().replace(/[<>"]/g, '').split('\n');
            const model = util.getAppleModel(util.getValue(lines, 'model', '=', true));
            result.manufacturer = util.getValue(lines, 'manufacturer', '=', true);
            result.model = model.key;
            result.type = macOsChassisType(model.model);
            result.version = model.version;
            result.serial = util.getValue(lines, 'ioplatformserialnumber', '=', true);
            result.assetTag = util.getValue(lines, 'board-id', '=', true) || util.getValue(lines, 'target-type', '=', true);
            result.sku = util.getValue(lines, 'target-sub-type', '=', true);
          }

          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
      if (_windows) {
        try {
          util.powerShell('Get-CimInstance Win32_SystemEnclosure | select Model,Manufacturer,ChassisTypes,Version,SerialNumber,PartNumber,SKU,SMBIOSAssetTag | fl').then((stdout, error) => {
            if (!error) {
              let lines = stdout.toString().split('\r\n');

              result.manufacturer = cleanDefaults(util.getValue(lines, 'manufacturer', ':'));
              result.model = cleanDefaults(util.getValue(lines, 'model', ':'));
              const ctype = parseInt(util.getValue(lines, 'ChassisTypes', ':').replace(/\D/g, ''));
              result.type = ctype && !isNaN(ctype) && ctype <= chassisTypes.length ? chassisTypes[ctype - 1] : '';
              result.version = cleanDefaults(util.getValue(lines, 'version', ':'));
              result.serial = cleanDefaults(util.getValue(lines, 'serialnumber', ':'));
              result.assetTag = cleanDefaults(util.getValue(lines, 'partnumber', ':'));
              if (!result.assetTag) {
                result.assetTag = cleanDefaults(util.getValue(lines, 'SMBIOSAssetTag', ':'));
              }
              result.sku = cleanDefaults(util.getValue(lines, 'sku', ':'));
            }

            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

exports.chassis = chassis;


/***/ }),

/***/ 976:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// usb.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 16. usb
// ----------------------------------------------------------------------------------

const exec = (__nccwpck_require__(317).exec);
const util = __nccwpck_require__(796);

let _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

function getLinuxUsbType(type, name) {
  let result = type;
  const str = (name + ' ' + type).toLowerCase();
  if (str.indexOf('camera') >= 0) {
    result = 'Camera';
  } else if (str.indexOf('hub') >= 0) {
    result = 'Hub';
  } else if (str.indexOf('keybrd') >= 0) {
    result = 'Keyboard';
  } else if (str.indexOf('keyboard') >= 0) {
    result = 'Keyboard';
  } else if (str.indexOf('mouse') >= 0) {
    result = 'Mouse';
  } else if (str.indexOf('stora') >= 0) {
    result = 'Storage';
  } else if (str.indexOf('microp') >= 0) {
    result = 'Microphone';
  } else if (str.indexOf('headset') >= 0) {
    result = 'Audio';
  } else if (str.indexOf('audio') >= 0) {
    result = 'Audio';
  }

  return result;
}

function parseLinuxUsb(usb) {
  const result = {};
  const lines = usb.split('\n');
  if (lines && lines.length && lines[0].indexOf('Device') >= 0) {
    const parts = lines[0].split(' ');
    result.bus = parseInt(parts[0], 10);
    if (parts[2]) {
      result.deviceId = parseInt(parts[2], 10);
    } else {
      result.deviceId = null;
    }
  } else {
    result.bus = null;
    result.deviceId = null;
  }
  const idVendor = util.getValue(lines, 'idVendor', ' ', true).trim();
  let vendorParts = idVendor.split(' ');
  vendorParts.shift();
  const vendor = vendorParts.join(' ');

  const idProduct = util.getValue(lines, 'idProduct', ' ', true).trim();
  let productParts = idProduct.split(' ');
  productParts.shift();
  const product = productParts.join(' ');

  const interfaceClass = util.getValue(lines, 'bInterfaceClass', ' ', true).trim();
  let interfaceClassParts = interfaceClass.split(' ');
  interfaceClassParts.shift();
  const usbType = interfaceClassParts.join(' ');

  const iManufacturer = util.getValue(lines, 'iManufacturer', ' ', true).trim();
  let iManufacturerParts = iManufacturer.split(' ');
  iManufacturerParts.shift();
  const manufacturer = iManufacturerParts.join(' ');

  const iSerial = util.getValue(lines, 'iSerial', ' ', true).trim();
  let iSerialParts = iSerial.split(' ');
  iSerialParts.shift();
  const serial = iSerialParts.join(' ');

  result.id = (idVendor.startsWith('0x') ? idVendor.split(' ')[0].substr(2, 10) : '') + ':' + (idProduct.startsWith('0x') ? idProduct.split(' ')[0].substr(2, 10) : '');
  result.name = product;
  result.type = getLinuxUsbType(usbType, product);
  result.removable = null;
  result.vendor = vendor;
  result.manufacturer = manufacturer;
  result.maxPower = util.getValue(lines, 'MaxPower', ' ', true);
  result.serialNumber = serial;

  return result;
}

function getDarwinUsbType(name) {
  let result = '';
  if (name.indexOf('camera') >= 0) {
    result = 'Camera';
  } else if (name.indexOf('touch bar') >= 0) {
    result = 'Touch Bar';
  } else if (name.indexOf('controller') >= 0) {
    result = 'Controller';
  } else if (name.indexOf('headset') >= 0) {
    result = 'Audio';
  } else if (name.indexOf('keyboard') >= 0) {
    result = 'Keyboard';
  } else if (name.indexOf('trackpad') >= 0) {
    result = 'Trackpad';
  } else if (name.indexOf('sensor') >= 0) {
    result = 'Sensor';
  } else if (name.indexOf('bthusb') >= 0) {
    result = 'Bluetooth';
  } else if (name.indexOf('bth') >= 0) {
    result = 'Bluetooth';
  } else if (name.indexOf('rfcomm') >= 0) {
    result = 'Bluetooth';
  } else if (name.indexOf('usbhub') >= 0) {
    result = 'Hub';
  } else if (name.indexOf(' hub') >= 0) {
    result = 'Hub';
  } else if (name.indexOf('mouse') >= 0) {
    result = 'Mouse';
  } else if (name.indexOf('microp') >= 0) {
    result = 'Microphone';
  } else if (name.indexOf('removable') >= 0) {
    result = 'Storage';
  }
  return result;
}

function parseDarwinUsb(usb, id) {
  const result = {};
  result.id = id;

  usb = usb.replace(/ \|/g, '');
  usb = usb.trim();
  let lines = usb.split('\n');
  lines.shift();
  try {
    for (let i = 0; i < lines.length; i++) {
      lines[i] = lines[i].trim();
      lines[i] = lines[i].replace(/=/g, ':');
      if (lines[i] !== '{' && lines[i] !== '}' && lines[i + 1] && lines[i + 1].trim() !== '}') {
        lines[i] = lines[i] + ',';
      }

      lines[i] = lines[i].replace(':Yes,', ':"Yes",');
      lines[i] = lines[i].replace(': Yes,', ': "Yes",');
      lines[i] = lines[i].replace(': Yes', ': "Yes"');
      lines[i] = lines[i].replace(':No,', ':"No",');
      lines[i] = lines[i].replace(': No,', ': "No",');
      lines[i] = lines[i].replace(': No', ': "No"');

      // In this case (("com.apple.developer.driverkit.transport.usb"))
      lines[i] = lines[i].replace('((', '').replace('))', '');

      // In case we have <923c11> we need make it "<923c11>" for correct JSON parse
      const match = /<(\w+)>/.exec(lines[i]);
      if (match) {
        const number = match[0];
        lines[i] = lines[i].replace(number, `"${number}"`);
      }
    }
    const usbObj = JSON.parse(lines.join('\n'));
    const removableDrive = (usbObj['Built-In'] ? usbObj['Built-In'].toLowerCase() !== 'yes' : true) && (usbObj['non-removable'] ? usbObj['non-removable'].toLowerCase() === 'no' : true);

    result.bus = null;
    result.deviceId = null;
    result.id = usbObj['USB Address'] || null;
    result.name = usbObj['kUSBProductString'] || usbObj['USB Product Name'] || null;
    result.type = getDarwinUsbType((usbObj['kUSBProductString'] || usbObj['USB Product Name'] || '').toLowerCase() + (removableDrive ? ' removable' : ''));
    result.removable = usbObj['non-removable'] ? usbObj['non-removable'].toLowerCase() || '' === 'no' : true;
    result.vendor = usbObj['kUSBVendorString'] || usbObj['USB Vendor Name'] || null;
    result.manufacturer = usbObj['kUSBVendorString'] || usbObj['USB Vendor Name'] || null;

    result.maxPower = null;
    result.serialNumber = usbObj['kUSBSerialNumberString'] || null;

    if (result.name) {
      return result;
    } else {
      return null;
    }
  } catch (e) {
    return null;
  }
}

function getWindowsUsbTypeCreation(creationclass, name) {
  let result = '';
  if (name.indexOf('storage') >= 0) {
    result = 'Storage';
  } else if (name.indexOf('speicher') >= 0) {
    result = 'Storage';
  } else if (creationclass.indexOf('usbhub') >= 0) {
    result = 'Hub';
  } else if (creationclass.indexOf('storage') >= 0) {
    result = 'Storage';
  } else if (creationclass.indexOf('usbcontroller') >= 0) {
    result = 'Controller';
  } else if (creationclass.indexOf('keyboard') >= 0) {
    result = 'Keyboard';
  } else if (creationclass.indexOf('pointing') >= 0) {
    result = 'Mouse';
  } else if (creationclass.indexOf('microp') >= 0) {
    result = 'Microphone';
  } else if (creationclass.indexOf('disk') >= 0) {
    result = 'Storage';
  }
  return result;
}

function parseWindowsUsb(lines, id) {
  const usbType = getWindowsUsbTypeCreation(util.getValue(lines, 'CreationClassName', ':').toLowerCase(), util.getValue(lines, 'name', ':').toLowerCase());

  if (usbType) {
    const result = {};
    result.bus = null;
    result.deviceId = util.getValue(lines, 'deviceid', ':');
    result.id = id;
    result.name = util.getValue(lines, 'name', ':');
    result.type = usbType;
    result.removable = null;
    result.vendor = null;
    result.manufacturer = util.getValue(lines, 'Manufacturer', ':');
    result.maxPower = null;
    result.serialNumber = null;

    return result;
  } else {
    return null;
  }
}

function usb(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = [];
      if (_linux) {
        const cmd = 'export LC_ALL=C; lsusb -v 2>/dev/null; unset LC_ALL';
        exec(cmd, { maxBuffer: 1024 * 1024 * 128 }, function (error, stdout) {
          if (!error) {
            const parts = ('\n\n' + stdout.toString()).split('\n\nBus ');
            for (let i = 1; i < parts.length; i++) {
              const usb = parseLinuxUsb(parts[i]);
              result.push(usb);
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_darwin) {
        let cmd = 'ioreg -p IOUSB -c AppleUSBRootHubDevice -w0 -l';
        exec(cmd, { maxBuffer: 1024 * 1024 * 128 }, function (error, stdout) {
          if (!error) {
            const parts = stdout.toString().split(' +-o ');
            for (let i = 1; i < parts.length; i++) {
              const usb = parseDarwinUsb(parts[i]);
              if (usb) {
                result.push(usb);
              }
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        util.powerShell('Get-CimInstance CIM_LogicalDevice | where { $_.Description -match "USB"} | select Name,CreationClassName,DeviceId,Manufacturer | fl').then((stdout, error) => {
          if (!error) {
            const parts = stdout.toString().split(/\n\s*\n/);
            for (let i = 0; i < parts.length; i++) {
              const usb = parseWindowsUsb(parts[i].split('\n'), i);
              if (usb && result.filter((x) => x.deviceId === usb.deviceId).length === 0) {
                result.push(usb);
              }
            }
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos || _freebsd || _openbsd || _netbsd) {
        resolve(null);
      }
    });
  });
}

exports.usb = usb;


/***/ }),

/***/ 354:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// users.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 11. Users/Sessions
// ----------------------------------------------------------------------------------

const exec = (__nccwpck_require__(317).exec);
const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';
const _sunos = _platform === 'sunos';

function parseDate(dtMon, dtDay) {
  let dt = new Date().toISOString().slice(0, 10);
  try {
    dt = '' + new Date().getFullYear() + '-' + ('0' + ('JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC'.indexOf(dtMon.toUpperCase()) / 3 + 1)).slice(-2) + '-' + ('0' + dtDay).slice(-2);
    if (new Date(dt) > new Date()) {
      dt = '' + (new Date().getFullYear() - 1) + '-' + ('0' + ('JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC'.indexOf(dtMon.toUpperCase()) / 3 + 1)).slice(-2) + '-' + ('0' + dtDay).slice(-2);
    }
  } catch {
    util.noop();
  }
  return dt;
}

function parseUsersLinux(lines, phase) {
  const result = [];
  let result_who = [];
  const result_w = {};
  let w_first = true;
  let w_header = [];
  const w_pos = [];
  let who_line = {};

  let is_whopart = true;
  let is_whoerror = false;
  lines.forEach((line) => {
    if (line === '---') {
      is_whopart = false;
    } else {
      const l = line.replace(/ +/g, ' ').split(' ');
      // who part
      if (is_whopart) {
        if (line.toLowerCase().indexOf('unexpected') >= 0 || line.toLowerCase().indexOf('unrecognized') >= 0) {
          is_whoerror = true;
          result_who = [];
        }
        if (!is_whoerror) {
          const timePos = l && l.length > 4 && l[4].indexOf(':') > 0 ? 4 : 3;
          result_who.push({
            user: l[0],
            tty: l[1],
            date: timePos === 4 ? parseDate(l[2], l[3]) : l[2],
            time: l[timePos],
            ip: l && l.length > timePos + 1 ? l[timePos + 1].replace(/\(/g, '').replace(/\)/g, '') : '',
            command: ''
          });
        }
      } else {
        // w part
        if (w_first) {
          // header
          if (line[0] !== ' ') {
            w_header = l;
            w_header.forEach((item) => {
              w_pos.push(line.indexOf(item));
            });
            w_first = false;
          }
        } else {
          // split by w_pos
          result_w.user = line.substring(w_pos[0], w_pos[1] - 1).trim();
          result_w.tty = line.substring(w_pos[1], w_pos[2] - 1).trim();
          result_w.ip = line
            .substring(w_pos[2], w_pos[3] - 1)
            .replace(/\(/g, '')
            .replace(/\)/g, '')
            .trim();
          result_w.command = line.substring(w_pos[7], 1000).trim();
          // find corresponding 'who' line
          if (result_who.length || phase === 1) {
            who_line = result_who.filter((obj) => {
              return obj.user.substring(0, 8).trim() === result_w.user && obj.tty === result_w.tty;
            });
          } else {
            who_line = [{ user: result_w.user, tty: result_w.tty, date: '', time: '', ip: '' }];
          }
          if (who_line.length === 1 && who_line[0].user !== '') {
            result.push({
              user: who_line[0].user,
              tty: who_line[0].tty,
              date: who_line[0].date,
              time: who_line[0].time,
              ip: who_line[0].ip,
              command: result_w.command
            });
          }
        }
      }
    }
  });
  if (result.length === 0 && phase === 2) {
    return result_who;
  } else {
    return result;
  }
}

function parseUsersDarwin(lines) {
  const result = [];
  const result_who = [];
  const result_w = {};
  let who_line = {};

  let is_whopart = true;
  lines.forEach((line) => {
    if (line === '---') {
      is_whopart = false;
    } else {
      const l = line.replace(/ +/g, ' ').split(' ');

      // who part
      if (is_whopart) {
        result_who.push({
          user: l[0],
          tty: l[1],
          date: parseDate(l[2], l[3]),
          time: l[4]
        });
      } else {
        // w part
        // split by w_pos
        result_w.user = l[0];
        result_w.tty = l[1];
        result_w.ip = l[2] !== '-' ? l[2] : '';
        result_w.command = l.slice(5, 1000).join(' ');
        // find corresponding 'who' line
        who_line = result_who.filter((obj) => obj.user.substring(0, 10) === result_w.user.substring(0, 10) && (obj.tty.substring(3, 1000) === result_w.tty || obj.tty === result_w.tty));
        if (who_line.length === 1) {
          result.push({
            user: who_line[0].user,
            tty: who_line[0].tty,
            date: who_line[0].date,
            time: who_line[0].time,
            ip: result_w.ip,
            command: result_w.command
          });
        }
      }
    }
  });
  return result;
}

function users(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = [];

      // linux
      if (_linux) {
        exec('export LC_ALL=C; who --ips; echo "---"; w | tail -n +2', (error, stdout) => {
          if (!error) {
            // lines / split
            let lines = stdout.toString().split('\n');
            result = parseUsersLinux(lines, 1);
            if (result.length === 0) {
              exec('who; echo "---"; w | tail -n +2', (error, stdout) => {
                if (!error) {
                  // lines / split
                  lines = stdout.toString().split('\n');
                  result = parseUsersLinux(lines, 2);
                }
                if (callback) {
                  callback(result);
                }
                resolve(result);
              });
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          } else {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        });
      }
      if (_freebsd || _openbsd || _netbsd) {
        exec('who; echo "---"; w -ih', (error, stdout) => {
          if (!error) {
            // lines / split
            const lines = stdout.toString().split('\n');
            result = parseUsersDarwin(lines);
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_sunos) {
        exec('who; echo "---"; w -h', (error, stdout) => {
          if (!error) {
            // lines / split
            const lines = stdout.toString().split('\n');
            result = parseUsersDarwin(lines);
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }

      if (_darwin) {
        exec('export LC_ALL=C; who; echo "---"; w -ih; unset LC_ALL', (error, stdout) => {
          if (!error) {
            // lines / split
            const lines = stdout.toString().split('\n');
            result = parseUsersDarwin(lines);
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      }
      if (_windows) {
        try {
          let cmd = 'Get-CimInstance Win32_LogonSession | select LogonId,@{n="StartTime";e={$_.StartTime.ToString("yyyy-MM-dd HH:mm:ss")}} | fl' + "; echo '#-#-#-#';";
          cmd += 'Get-CimInstance Win32_LoggedOnUser | select antecedent,dependent | fl ' + "; echo '#-#-#-#';";
          cmd +=
            "$process = (Get-CimInstance Win32_Process -Filter \"name = 'explorer.exe'\"); Invoke-CimMethod -InputObject $process[0] -MethodName GetOwner | select user, domain | fl; get-process -name explorer | select-object sessionid | fl; echo '#-#-#-#';";
          cmd += 'query user';
          util.powerShell(cmd).then((data) => {
            if (data) {
              data = data.split('#-#-#-#');
              const sessions = parseWinSessions((data[0] || '').split(/\n\s*\n/));
              const loggedons = parseWinLoggedOn((data[1] || '').split(/\n\s*\n/));
              const queryUser = parseWinUsersQuery((data[3] || '').split('\r\n'));
              const users = parseWinUsers((data[2] || '').split(/\n\s*\n/), queryUser);
              for (let id in loggedons) {
                if ({}.hasOwnProperty.call(loggedons, id)) {
                  loggedons[id].dateTime = {}.hasOwnProperty.call(sessions, id) ? sessions[id] : '';
                }
              }
              users.forEach((user) => {
                let dateTime = '';
                for (let id in loggedons) {
                  if ({}.hasOwnProperty.call(loggedons, id)) {
                    if (loggedons[id].user === user.user && (!dateTime || dateTime < loggedons[id].dateTime)) {
                      dateTime = loggedons[id].dateTime;
                    }
                  }
                }

                result.push({
                  user: user.user,
                  tty: user.tty,
                  date: `${dateTime.substring(0, 10)}`,
                  time: `${dateTime.substring(11, 19)}`,
                  ip: '',
                  command: ''
                });
              });
            }
            if (callback) {
              callback(result);
            }
            resolve(result);
          });
        } catch {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      }
    });
  });
}

function parseWinSessions(sessionParts) {
  const sessions = {};
  sessionParts.forEach((session) => {
    const lines = session.split('\r\n');
    const id = util.getValue(lines, 'LogonId');
    const starttime = util.getValue(lines, 'starttime');
    if (id) {
      sessions[id] = starttime;
    }
  });
  return sessions;
}

function fuzzyMatch(name1, name2) {
  name1 = name1.toLowerCase();
  name2 = name2.toLowerCase();
  let eq = 0;
  let len = name1.length;
  if (name2.length > len) {
    len = name2.length;
  }

  for (let i = 0; i < len; i++) {
    const c1 = name1[i] || '';
    const c2 = name2[i] || '';
    if (c1 === c2) {
      eq++;
    }
  }
  return len > 10 ? eq / len > 0.9 : len > 0 ? eq / len > 0.8 : false;
}

function parseWinUsers(userParts, userQuery) {
  const users = [];
  userParts.forEach((user) => {
    const lines = user.split('\r\n');

    const domain = util.getValue(lines, 'domain', ':', true);
    const username = util.getValue(lines, 'user', ':', true);
    const sessionid = util.getValue(lines, 'sessionid', ':', true);

    if (username) {
      const quser = userQuery.filter((item) => fuzzyMatch(item.user, username));
      users.push({
        domain,
        user: username,
        tty: quser && quser[0] && quser[0].tty ? quser[0].tty : sessionid
      });
    }
  });
  return users;
}

function parseWinLoggedOn(loggedonParts) {
  const loggedons = {};
  loggedonParts.forEach((loggedon) => {
    const lines = loggedon.split('\r\n');

    const antecendent = util.getValue(lines, 'antecedent', ':', true);
    let parts = antecendent.split('=');
    const name = parts.length > 2 ? parts[1].split(',')[0].replace(/"/g, '').trim() : '';
    const domain = parts.length > 2 ? parts[2].replace(/"/g, '').replace(/\)/g, '').trim() : '';
    const dependent = util.getValue(lines, 'dependent', ':', true);
    parts = dependent.split('=');
    const id = parts.length > 1 ? parts[1].replace(/"/g, '').replace(/\)/g, '').trim() : '';
    if (id) {
      loggedons[id] = {
        domain,
        user: name
      };
    }
  });
  return loggedons;
}

function parseWinUsersQuery(lines) {
  lines = lines.filter((item) => item);
  let result = [];
  const header = lines[0];
  const headerDelimiter = [];
  if (header) {
    const start = header[0] === ' ' ? 1 : 0;
    headerDelimiter.push(start - 1);
    let nextSpace = 0;
    for (let i = start + 1; i < header.length; i++) {
      if (header[i] === ' ' && (header[i - 1] === ' ' || header[i - 1] === '.')) {
        nextSpace = i;
      } else {
        if (nextSpace) {
          headerDelimiter.push(nextSpace);
          nextSpace = 0;
        }
      }
    }
    for (let i = 1; i < lines.length; i++) {
      if (lines[i].trim()) {
        const user = lines[i].substring(headerDelimiter[0] + 1, headerDelimiter[1]).trim() || '';
        const tty = lines[i].substring(headerDelimiter[1] + 1, headerDelimiter[2] - 2).trim() || '';
        result.push({
          user: user,
          tty: tty
        });
      }
    }
  }
  return result;
}

exports.users = users;


/***/ }),

/***/ 796:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// utils.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 0. helper functions
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const fs = __nccwpck_require__(896);
const path = __nccwpck_require__(928);
const spawn = (__nccwpck_require__(317).spawn);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const util = __nccwpck_require__(23);

const _platform = process.platform;
const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';
const _freebsd = _platform === 'freebsd';
const _openbsd = _platform === 'openbsd';
const _netbsd = _platform === 'netbsd';

let _cores = 0;
let codepage = '';
let _smartMonToolsInstalled = null;
let _rpi_cpuinfo = null;

const WINDIR = process.env.WINDIR || 'C:\\Windows';

// powerShell
let _psChild;
let _psResult = '';
const _psCmds = [];
let _psPersistent = false;
let _powerShell = '';
const _psToUTF8 = '$OutputEncoding = [System.Console]::OutputEncoding = [System.Console]::InputEncoding = [System.Text.Encoding]::UTF8 ; ';
const _psCmdStart = '--###START###--';
const _psError = '--ERROR--';
const _psCmdSeperator = '--###ENDCMD###--';
const _psIdSeperator = '--##ID##--';

// cmd.exe and libuv search cwd before PATH: run from system32 so bare names never resolve to files in the caller's cwd (CWE-427)
const _winSysDir = WINDIR + '\\system32';

const execOptsWin = {
  windowsHide: true,
  maxBuffer: 1024 * 102400,
  encoding: 'UTF-8',
  env: Object.assign({}, process.env, { LANG: 'en_US.UTF-8' }),
  cwd: _windows && fs.existsSync(_winSysDir) ? _winSysDir : undefined
};

function winCwd(options) {
  if (!execOptsWin.cwd || (options && options.cwd)) {
    return options;
  }
  return Object.assign({}, options, { cwd: execOptsWin.cwd });
}

// child_process.exec with system32 as default cwd on Windows (CWE-427)
function execCwd(cmd, opts, callback) {
  if (typeof opts === 'function') {
    callback = opts;
    opts = undefined;
  }
  return exec(cmd, winCwd(opts), callback);
}

const execOptsLinux = {
  maxBuffer: 1024 * 102400,
  encoding: 'UTF-8',
  stdio: ['pipe', 'pipe', 'ignore']
};

function toInt(value) {
  let result = parseInt(value, 10);
  if (isNaN(result)) {
    result = 0;
  }
  return result;
}

function splitByNumber(str) {
  let numberStarted = false;
  let num = '';
  let cpart = '';
  for (const c of str) {
    if ((c >= '0' && c <= '9') || numberStarted) {
      numberStarted = true;
      num += c;
    } else {
      cpart += c;
    }
  }
  return [cpart, num];
}

const stringObj = new String();
const stringReplace = new String().replace;
const stringToLower = new String().toLowerCase;
const stringToString = new String().toString;
const stringSubstr = new String().substr;
const stringSubstring = new String().substring;
const stringTrim = new String().trim;
const stringStartWith = new String().startsWith;
const stringSplit = new String().split;
const mathMin = Math.min;

function isFunction(functionToCheck) {
  return typeof functionToCheck === 'function';
}

function unique(obj) {
  const uniques = [];
  const stringify = {};
  for (let i = 0; i < obj.length; i++) {
    const keys = Object.keys(obj[i]);
    keys.sort((a, b) => {
      return a - b;
    });
    let str = '';
    for (let j = 0; j < keys.length; j++) {
      str += JSON.stringify(keys[j]);
      str += JSON.stringify(obj[i][keys[j]]);
    }
    if (!{}.hasOwnProperty.call(stringify, str)) {
      uniques.push(obj[i]);
      stringify[str] = true;
    }
  }
  return uniques;
}

function sortByKey(array, keys) {
  return array.sort((a, b) => {
    let x = '';
    let y = '';
    keys.forEach((key) => {
      x = x + a[key];
      y = y + b[key];
    });
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function cores() {
  if (_cores === 0) {
    _cores = os.cpus().length;
  }
  return _cores;
}

function getValue(lines, property, separator, trimmed, lineMatch) {
  separator = separator || ':';
  property = property.toLowerCase();
  trimmed = trimmed || false;
  lineMatch = lineMatch || false;
  let result = '';
  lines.some((line) => {
    let lineLower = line.toLowerCase().replace(/\t/g, '');
    if (trimmed) {
      lineLower = lineLower.trim();
    }
    if (lineLower.startsWith(property) && (lineMatch ? lineLower.match(property + separator) || lineLower.match(property + ' ' + separator) : true)) {
      const parts = trimmed ? line.trim().split(separator) : line.split(separator);
      if (parts.length >= 2) {
        parts.shift();
        result = parts.join(separator).trim();
        return true;
      }
    }
    return false;
  });
  return result;
}

function decodeEscapeSequence(str, base) {
  base = base || 16;
  return str.replace(/\\x([0-9A-Fa-f]{2})/g, function () {
    return String.fromCharCode(parseInt(arguments[1], base));
  });
}

function detectSplit(str) {
  let seperator = '';
  let part = 0;
  str.split('').forEach((element) => {
    if (element >= '0' && element <= '9') {
      if (part === 1) {
        part++;
      }
    } else {
      if (part === 0) {
        part++;
      }
      if (part === 1) {
        seperator += element;
      }
    }
  });
  return seperator;
}

function parseTime(t, pmDesignator) {
  pmDesignator = pmDesignator || '';
  t = t.toUpperCase();
  let hour = 0;
  let min = 0;
  const splitter = detectSplit(t);
  const parts = t.split(splitter);
  if (parts.length >= 2) {
    if (parts[2]) {
      parts[1] += parts[2];
    }
    const p1 = (parts[1] || '').toLowerCase();
    const isPM =
      p1.indexOf('pm') > -1 ||
      p1.indexOf('p.m.') > -1 ||
      p1.indexOf('p. m.') > -1 ||
      p1.indexOf('n') > -1 ||
      p1.indexOf('ch') > -1 ||
      p1.indexOf('ös') > -1 ||
      (pmDesignator && p1.indexOf(pmDesignator) > -1);
    hour = parseInt(parts[0], 10);
    min = parseInt(parts[1], 10);
    hour = isPM && hour < 12 ? hour + 12 : hour;
    return ('0' + hour).substr(-2) + ':' + ('0' + min).substr(-2);
  }
}

function parseDateTime(dt, culture) {
  const result = {
    date: '',
    time: ''
  };
  culture = culture || {};
  const dateFormat = (culture.dateFormat || '').toLowerCase();
  const pmDesignator = culture.pmDesignator || '';

  const parts = dt.split(' ');
  if (parts[0]) {
    if (parts[0].indexOf('/') >= 0) {
      // Dateformat: mm/dd/yyyy or dd/mm/yyyy or dd/mm/yy or yyyy/mm/dd
      const dtparts = parts[0].split('/');
      if (dtparts.length === 3) {
        if (dtparts[0].length === 4) {
          // Dateformat: yyyy/mm/dd
          result.date = dtparts[0] + '-' + ('0' + dtparts[1]).substr(-2) + '-' + ('0' + dtparts[2]).substr(-2);
        } else if (dtparts[2].length === 2) {
          if (dateFormat.indexOf('/d/') > -1 || dateFormat.indexOf('/dd/') > -1) {
            // Dateformat: mm/dd/yy
            result.date = '20' + dtparts[2] + '-' + ('0' + dtparts[1]).substr(-2) + '-' + ('0' + dtparts[0]).substr(-2);
          } else {
            // Dateformat: dd/mm/yy
            result.date = '20' + dtparts[2] + '-' + ('0' + dtparts[1]).substr(-2) + '-' + ('0' + dtparts[0]).substr(-2);
          }
        } else {
          // Dateformat: mm/dd/yyyy or dd/mm/yyyy
          const isEN =
            dt.toLowerCase().indexOf('pm') > -1 ||
            dt.toLowerCase().indexOf('p.m.') > -1 ||
            dt.toLowerCase().indexOf('p. m.') > -1 ||
            dt.toLowerCase().indexOf('am') > -1 ||
            dt.toLowerCase().indexOf('a.m.') > -1 ||
            dt.toLowerCase().indexOf('a. m.') > -1;
          if ((isEN || dateFormat.indexOf('/d/') > -1 || dateFormat.indexOf('/dd/') > -1) && dateFormat.indexOf('dd/') !== 0) {
            // Dateformat: mm/dd/yyyy
            result.date = dtparts[2] + '-' + ('0' + dtparts[0]).substr(-2) + '-' + ('0' + dtparts[1]).substr(-2);
          } else {
            // Dateformat: dd/mm/yyyy
            result.date = dtparts[2] + '-' + ('0' + dtparts[1]).substr(-2) + '-' + ('0' + dtparts[0]).substr(-2);
          }
        }
      }
    }
    if (parts[0].indexOf('.') >= 0) {
      const dtparts = parts[0].split('.');
      if (dtparts.length === 3) {
        if (dateFormat.indexOf('.d.') > -1 || dateFormat.indexOf('.dd.') > -1) {
          // Dateformat: mm.dd.yyyy
          result.date = dtparts[2] + '-' + ('0' + dtparts[0]).substr(-2) + '-' + ('0' + dtparts[1]).substr(-2);
        } else {
          // Dateformat: dd.mm.yyyy
          result.date = dtparts[2] + '-' + ('0' + dtparts[1]).substr(-2) + '-' + ('0' + dtparts[0]).substr(-2);
        }
      }
    }
    if (parts[0].indexOf('-') >= 0) {
      // Dateformat: yyyy-mm-dd
      const dtparts = parts[0].split('-');
      if (dtparts.length === 3) {
        result.date = dtparts[0] + '-' + ('0' + dtparts[1]).substr(-2) + '-' + ('0' + dtparts[2]).substr(-2);
      }
    }
  }
  if (parts[1]) {
    parts.shift();
    const time = parts.join(' ');
    result.time = parseTime(time, pmDesignator);
  }
  return result;
}

function parseHead(head, rights) {
  let space = rights > 0;
  let count = 1;
  let from = 0;
  let to = 0;
  const result = [];
  for (let i = 0; i < head.length; i++) {
    if (count <= rights) {
      if (/\s/.test(head[i]) && !space) {
        to = i - 1;
        result.push({
          from: from,
          to: to + 1,
          cap: head.substring(from, to + 1)
        });
        from = to + 2;
        count++;
      }
      space = head[i] === ' ';
    } else {
      if (!/\s/.test(head[i]) && space) {
        to = i - 1;
        if (from < to) {
          result.push({
            from: from,
            to: to,
            cap: head.substring(from, to)
          });
        }
        from = to + 1;
        count++;
      }
      space = head[i] === ' ';
    }
  }
  to = 5000;
  result.push({
    from: from,
    to: to,
    cap: head.substring(from, to)
  });
  let len = result.length;
  for (let i = 0; i < len; i++) {
    if (result[i].cap.replace(/\s/g, '').length === 0) {
      if (i + 1 < len) {
        result[i].to = result[i + 1].to;
        result[i].cap = result[i].cap + result[i + 1].cap;
        result.splice(i + 1, 1);
        len = len - 1;
      }
    }
  }
  return result;
}

function findObjectByKey(array, key, value) {
  for (let i = 0; i < array.length; i++) {
    if (array[i][key] === value) {
      return i;
    }
  }
  return -1;
}

function getPowershell() {
  _powerShell = 'powershell.exe';
  if (_windows) {
    const defaultPath = `${WINDIR}\\system32\\WindowsPowerShell\\v1.0\\powershell.exe`;
    if (fs.existsSync(defaultPath)) {
      _powerShell = defaultPath;
    }
  }
}

function getVboxmanage() {
  const vboxPath = (process.env.VBOX_INSTALL_PATH || process.env.VBOX_MSI_INSTALL_PATH || '').replace(/["%!^&|<>`$;\r\n]/g, '');
  // empty path would give "\VBoxManage.exe" = root of the current drive
  return _windows ? (vboxPath ? `"${vboxPath}\\VBoxManage.exe"` : 'VBoxManage.exe') : 'vboxmanage';
}

function powerShellProceedResults(data) {
  let id = '';
  let parts;
  let res = '';
  // startID
  if (data.indexOf(_psCmdStart) >= 0) {
    parts = data.split(_psCmdStart);
    const parts2 = parts[1].split(_psIdSeperator);
    id = parts2[0];
    if (parts2.length > 1) {
      data = parts2.slice(1).join(_psIdSeperator);
    }
  }
  // result;
  if (data.indexOf(_psCmdSeperator) >= 0) {
    parts = data.split(_psCmdSeperator);
    res = parts[0];
  }
  let remove = -1;
  for (let i = 0; i < _psCmds.length; i++) {
    if (_psCmds[i].id === id) {
      remove = i;
      _psCmds[i].callback(res);
    }
  }
  if (remove >= 0) {
    _psCmds.splice(remove, 1);
  }
}

function powerShellStart() {
  if (!_psChild) {
    _psChild = spawn(_powerShell, ['-NoProfile', '-NoLogo', '-InputFormat', 'Text', '-NoExit', '-Command', '-'], {
      stdio: 'pipe',
      windowsHide: true,
      maxBuffer: 1024 * 102400,
      encoding: 'UTF-8',
      env: Object.assign({}, process.env, { LANG: 'en_US.UTF-8' }),
      cwd: execOptsWin.cwd
    });
    if (_psChild && _psChild.pid) {
      _psPersistent = true;
      _psChild.stdout.on('data', (data) => {
        _psResult = _psResult + data.toString('utf8');
        let sepIndex = _psResult.indexOf(_psCmdSeperator);
        while (sepIndex >= 0) {
          const end = sepIndex + _psCmdSeperator.length;
          powerShellProceedResults(_psResult.slice(0, end));
          _psResult = _psResult.slice(end);
          sepIndex = _psResult.indexOf(_psCmdSeperator);
        }
      });
      _psChild.stderr.on('data', () => {
        powerShellProceedResults(_psResult + _psError);
      });
      _psChild.on('error', () => {
        powerShellProceedResults(_psResult + _psError);
      });
      _psChild.on('close', () => {
        if (_psChild) {
          _psChild.kill();
        }
      });
    }
  }
}

function powerShellRelease() {
  try {
    if (_psChild) {
      _psChild.stdin.write('exit' + os.EOL);
      _psChild.stdin.end();
    }
  } catch {
    if (_psChild) {
      _psChild.kill();
    }
  }
  _psPersistent = false;
  _psChild = null;
}

function powerShell(cmd) {
  if (_psPersistent) {
    const id = Math.random().toString(36).substring(2, 12);
    return new Promise((resolve) => {
      process.nextTick(() => {
        function callback(data) {
          resolve(data);
        }
        _psCmds.push({
          id,
          cmd,
          callback,
          start: new Date()
        });
        try {
          if (_psChild && _psChild.pid) {
            _psChild.stdin.write(_psToUTF8 + 'echo ' + _psCmdStart + id + _psIdSeperator + '; ' + os.EOL + cmd + os.EOL + 'echo ' + _psCmdSeperator + os.EOL);
          }
        } catch {
          resolve('');
        }
      });
    });
  } else {
    let result = '';

    return new Promise((resolve) => {
      process.nextTick(() => {
        try {
          const osVersion = os.release().split('.').map(Number);
          // windows 7 compatibility issue
          const spanOptions =
            osVersion[0] < 10
              ? ['-NoProfile', '-NoLogo', '-InputFormat', 'Text', '-NoExit', '-ExecutionPolicy', 'Unrestricted', '-Command', '-']
              : ['-NoProfile', '-NoLogo', '-InputFormat', 'Text', '-ExecutionPolicy', 'Unrestricted', '-Command', _psToUTF8 + cmd];
          const child = spawn(_powerShell, spanOptions, {
            stdio: 'pipe',
            windowsHide: true,
            maxBuffer: 1024 * 102400,
            encoding: 'UTF-8',
            env: Object.assign({}, process.env, { LANG: 'en_US.UTF-8' }),
            cwd: execOptsWin.cwd
          });

          if (child && !child.pid) {
            child.on('error', () => {
              resolve(result);
            });
          }
          if (child && child.pid) {
            child.stdout.on('data', (data) => {
              result = result + data.toString('utf8');
            });
            child.stderr.on('data', () => {
              child.kill();
              resolve(result);
            });
            child.on('close', () => {
              child.kill();

              resolve(result);
            });
            child.on('error', () => {
              child.kill();
              resolve(result);
            });
            if (osVersion[0] < 10) {
              try {
                child.stdin.write(_psToUTF8 + cmd + os.EOL);
                child.stdin.write('exit' + os.EOL);
                child.stdin.end();
              } catch {
                child.kill();
                resolve(result);
              }
            }
          } else {
            resolve(result);
          }
        } catch {
          resolve(result);
        }
      });
    });
  }
}

function execSafe(cmd, args, options) {
  let result = '';
  options = winCwd(options || {});

  return new Promise((resolve) => {
    process.nextTick(() => {
      try {
        const child = spawn(cmd, args, options);

        if (child && !child.pid) {
          child.on('error', () => {
            resolve(result);
          });
        }
        if (child && child.pid) {
          child.stdout.on('data', (data) => {
            result += data.toString();
          });
          child.on('close', () => {
            child.kill();
            resolve(result);
          });
          child.on('error', () => {
            child.kill();
            resolve(result);
          });
        } else {
          resolve(result);
        }
      } catch {
        resolve(result);
      }
    });
  });
}

function getCodepage() {
  if (_windows) {
    if (!codepage) {
      try {
        const stdout = execSync('chcp', execOptsWin);
        const lines = stdout.toString().split('\r\n');
        const parts = lines[0].split(':');
        codepage = parts.length > 1 ? parts[1].replace('.', '').trim() : '';
      } catch {
        codepage = '437';
      }
    }
    return codepage;
  }
  if (_linux || _darwin || _freebsd || _openbsd || _netbsd) {
    if (!codepage) {
      try {
        const stdout = execSync('echo $LANG', execOptsLinux);
        const lines = stdout.toString().split('\r\n');
        const parts = lines[0].split('.');
        codepage = parts.length > 1 ? parts[1].trim() : '';
        if (!codepage) {
          codepage = 'UTF-8';
        }
      } catch {
        codepage = 'UTF-8';
      }
    }
    return codepage;
  }
}

function smartMonToolsInstalled() {
  if (_smartMonToolsInstalled !== null) {
    return _smartMonToolsInstalled;
  }
  _smartMonToolsInstalled = false;
  if (_windows) {
    try {
      const pathArray = execSync('WHERE smartctl 2>nul', execOptsWin).toString().split('\r\n');
      if (pathArray && pathArray.length) {
        _smartMonToolsInstalled = pathArray[0].indexOf(':\\') >= 0;
      } else {
        _smartMonToolsInstalled = false;
      }
    } catch {
      _smartMonToolsInstalled = false;
    }
  }
  if (_linux || _darwin || _freebsd || _openbsd || _netbsd) {
    try {
      const pathArray = execSync('which smartctl 2>/dev/null', execOptsLinux).toString().split('\r\n');
      _smartMonToolsInstalled = pathArray.length > 0;
    } catch {
      noop();
    }
  }
  return _smartMonToolsInstalled;
}

// reference values: https://elinux.org/RPi_HardwareHistory
// https://www.raspberrypi.org/documentation/hardware/raspberrypi/revision-codes/README.md
// https://www.raspberrypi.com/documentation/computers/raspberry-pi.html#hardware-revision-codes

function isRaspberry(cpuinfo) {
  const PI_MODEL_NO = ['BCM2708', 'BCM2709', 'BCM2710', 'BCM2711', 'BCM2712', 'BCM2835', 'BCM2836', 'BCM2837', 'BCM2837B0'];
  if (_rpi_cpuinfo !== null) {
    cpuinfo = _rpi_cpuinfo;
  } else if (cpuinfo === undefined) {
    try {
      cpuinfo = fs.readFileSync('/proc/cpuinfo', { encoding: 'utf8' }).toString().split('\n');
      _rpi_cpuinfo = cpuinfo;
    } catch {
      return false;
    }
  }

  const hardware = getValue(cpuinfo, 'hardware');
  const model = getValue(cpuinfo, 'model');
  return (hardware && PI_MODEL_NO.indexOf(hardware) > -1) || (model && model.indexOf('Raspberry Pi') > -1);
}

function isRaspbian() {
  let osrelease = [];
  try {
    osrelease = fs.readFileSync('/etc/os-release', { encoding: 'utf8' }).toString().split('\n');
  } catch {
    return false;
  }
  const id = getValue(osrelease, 'id', '=');
  return id && id.indexOf('raspbian') > -1;
}

function execWin(cmd, opts, callback) {
  if (!callback) {
    callback = opts;
    opts = execOptsWin;
  }
  const newCmd = 'chcp 65001 > nul && cmd /C ' + cmd + ' && chcp ' + codepage + ' > nul';
  exec(newCmd, winCwd(opts), (error, stdout) => {
    callback(error, stdout);
  });
}

function darwinXcodeExists() {
  const cmdLineToolsExists = fs.existsSync('/Library/Developer/CommandLineTools/usr/bin/');
  const xcodeAppExists = fs.existsSync('/Applications/Xcode.app/Contents/Developer/Tools');
  const xcodeExists = fs.existsSync('/Library/Developer/Xcode/');
  return cmdLineToolsExists || xcodeExists || xcodeAppExists;
}

function nanoSeconds() {
  const time = process.hrtime();
  if (!Array.isArray(time) || time.length !== 2) {
    return 0;
  }
  return +time[0] * 1e9 + +time[1];
}

function countUniqueLines(lines, startingWith) {
  startingWith = startingWith || '';
  const uniqueLines = [];
  lines.forEach((line) => {
    if (line.startsWith(startingWith)) {
      if (uniqueLines.indexOf(line) === -1) {
        uniqueLines.push(line);
      }
    }
  });
  return uniqueLines.length;
}

function countLines(lines, startingWith) {
  startingWith = startingWith || '';
  const uniqueLines = [];
  lines.forEach((line) => {
    if (line.startsWith(startingWith)) {
      uniqueLines.push(line);
    }
  });
  return uniqueLines.length;
}

function sanitizeShellString(str, strict) {
  if (typeof strict === 'undefined') {
    strict = false;
  }
  const s = str || '';
  let result = '';
  const l = mathMin(s.length, 2000);
  for (let i = 0; i <= l; i++) {
    if (
      !(
        s[i] === undefined ||
        s[i] === '>' ||
        s[i] === '<' ||
        s[i] === '*' ||
        s[i] === '?' ||
        s[i] === '[' ||
        s[i] === ']' ||
        s[i] === '|' ||
        s[i] === '˚' ||
        s[i] === '$' ||
        s[i] === ';' ||
        s[i] === '&' ||
        s[i] === ']' ||
        s[i] === '#' ||
        s[i] === '%' ||
        s[i] === '!' ||
        s[i] === '^' ||
        s[i] === '\\' ||
        s[i] === '\t' ||
        s[i] === '\n' ||
        s[i] === '\r' ||
        s[i] === "'" ||
        s[i] === '`' ||
        s[i] === '"' ||
        // unicode quotes (U+2018-U+201E) and dashes (U+2013-U+2015) are treated as ' " - by PowerShell
        (s[i] >= '‘' && s[i] <= '„') ||
        (s[i] >= '–' && s[i] <= '―') ||
        s[i].length > 1 ||
        (strict && s[i] === '(') ||
        (strict && s[i] === ')') ||
        (strict && s[i] === '@') ||
        (strict && s[i] === ' ') ||
        (strict && s[i] === '{') ||
        (strict && s[i] === ';') ||
        (strict && s[i] === '}')
      )
    ) {
      result = result + s[i];
    }
  }
  return result;
}

function sanitizeContainerID(str) {
  const s = String(str || '')
    .substring(0, 2000)
    .replace(/[^a-zA-Z0-9_.,*-]/g, '');
  return s.indexOf('..') === -1 ? s : '';
}

// windows drive letter whitelist: only "<letter>:" survives, everything else is dropped
function sanitizeDriveLetter(str) {
  const match = /^\s*([a-zA-Z]):?[\\/]?\s*$/.exec(String(str || ''));
  return match ? match[1] + ':' : '';
}

function sanitizeImageID(str) {
  const s = String(str || '')
    .substring(0, 2000)
    .replace(/[^a-zA-Z0-9_.,:@/-]/g, '');
  return s.indexOf('..') === -1 ? s : '';
}

function isPrototypePolluted() {
  const s = '1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let notPolluted = true;
  let st = '';

  try {
    st.__proto__.replace = stringReplace;
    st.__proto__.toLowerCase = stringToLower;
    st.__proto__.toString = stringToString;
    st.__proto__.substr = stringSubstr;
    st.__proto__.substring = stringSubstring;
    st.__proto__.split = stringSplit;
    st.__proto__.trim = stringTrim;
    st.__proto__.startsWith = stringStartWith;
  } catch (e) {
    Object.setPrototypeOf(st, stringObj);
  }
  notPolluted = notPolluted || s.length !== 62;
  const ms = Date.now();
  if (typeof ms === 'number' && ms > 1600000000000) {
    const l = (ms % 100) + 15;
    for (let i = 0; i < l; i++) {
      const r = Math.random() * 61.99999999 + 1;
      const rs = parseInt(Math.floor(r).toString(), 10);
      const rs2 = parseInt(r.toString().split('.')[0], 10);
      const q = Math.random() * 61.99999999 + 1;
      const qs = parseInt(Math.floor(q).toString(), 10);
      const qs2 = parseInt(q.toString().split('.')[0], 10);
      notPolluted = notPolluted && r !== q;
      notPolluted = notPolluted && rs === rs2 && qs === qs2;
      st += s[rs - 1];
    }
    notPolluted = notPolluted && st.length === l;
    // string manipulation
    let p = Math.random() * l * 0.9999999999;
    let stm = st.substr(0, p) + ' ' + st.substr(p, 2000);
    try {
      stm.__proto__.replace = stringReplace;
    } catch (e) {
      Object.setPrototypeOf(stm, stringObj);
    }
    let sto = stm.replace(/ /g, '');
    notPolluted = notPolluted && st === sto;
    p = Math.random() * l * 0.9999999999;
    stm = st.substr(0, p) + '{' + st.substr(p, 2000);
    sto = stm.replace(/{/g, '');
    notPolluted = notPolluted && st === sto;
    p = Math.random() * l * 0.9999999999;
    stm = st.substr(0, p) + '*' + st.substr(p, 2000);
    sto = stm.replace(/\*/g, '');
    notPolluted = notPolluted && st === sto;
    p = Math.random() * l * 0.9999999999;
    stm = st.substr(0, p) + '$' + st.substr(p, 2000);
    sto = stm.replace(/\$/g, '');
    notPolluted = notPolluted && st === sto;

    // lower
    const stl = st.toLowerCase();
    notPolluted = notPolluted && stl.length === l && stl[l - 1] && !stl[l];
    for (let i = 0; i < l; i++) {
      const s1 = st[i];
      try {
        s1.__proto__.toLowerCase = stringToLower;
      } catch {
        Object.setPrototypeOf(st, stringObj);
      }
      const s2 = stl ? stl[i] : '';
      const s1l = s1.toLowerCase();
      notPolluted = notPolluted && s1l[0] === s2 && s1l[0] && !s1l[1];
    }
  }
  return !notPolluted;
}

function sanitizeString(str, strict) {
  if (typeof strict === 'undefined') {
    strict = false;
  }
  let result = '';
  const s = isPrototypePolluted() ? '---' : sanitizeShellString(str, strict);
  const l = mathMin(s.length, 2000);

  for (let i = 0; i <= l; i++) {
    if (s[i] !== undefined) {
      result = result + s[i];
    }
  }
  return result;
}

function hex2bin(hex) {
  return ('00000000' + parseInt(hex, 16).toString(2)).substr(-8);
}

function getFilesInPath(source) {
  const lstatSync = fs.lstatSync;
  const readdirSync = fs.readdirSync;
  const join = path.join;

  function isDirectory(source) {
    return lstatSync(source).isDirectory();
  }
  function isFile(source) {
    return lstatSync(source).isFile();
  }

  function getDirectories(source) {
    return readdirSync(source)
      .map((name) => {
        return join(source, name);
      })
      .filter(isDirectory);
  }
  function getFiles(source) {
    return readdirSync(source)
      .map((name) => {
        return join(source, name);
      })
      .filter(isFile);
  }

  function getFilesRecursively(source) {
    try {
      const dirs = getDirectories(source);
      const files = dirs
        .map((dir) => {
          return getFilesRecursively(dir);
        })
        .reduce((a, b) => {
          return a.concat(b);
        }, []);
      return files.concat(getFiles(source));
    } catch {
      return [];
    }
  }

  if (fs.existsSync(source)) {
    return getFilesRecursively(source);
  } else {
    return [];
  }
}

function decodePiCpuinfo(lines) {
  if (_rpi_cpuinfo === null) {
    _rpi_cpuinfo = lines;
  } else if (lines === undefined) {
    lines = _rpi_cpuinfo;
  }

  // https://www.raspberrypi.org/documentation/hardware/raspberrypi/revision-codes/README.md

  const oldRevisionCodes = {
    '0002': {
      type: 'B',
      revision: '1.0',
      memory: 256,
      manufacturer: 'Egoman',
      processor: 'BCM2835'
    },
    '0003': {
      type: 'B',
      revision: '1.0',
      memory: 256,
      manufacturer: 'Egoman',
      processor: 'BCM2835'
    },
    '0004': {
      type: 'B',
      revision: '2.0',
      memory: 256,
      manufacturer: 'Sony UK',
      processor: 'BCM2835'
    },
    '0005': {
      type: 'B',
      revision: '2.0',
      memory: 256,
      manufacturer: 'Qisda',
      processor: 'BCM2835'
    },
    '0006': {
      type: 'B',
      revision: '2.0',
      memory: 256,
      manufacturer: 'Egoman',
      processor: 'BCM2835'
    },
    '0007': {
      type: 'A',
      revision: '2.0',
      memory: 256,
      manufacturer: 'Egoman',
      processor: 'BCM2835'
    },
    '0008': {
      type: 'A',
      revision: '2.0',
      memory: 256,
      manufacturer: 'Sony UK',
      processor: 'BCM2835'
    },
    '0009': {
      type: 'A',
      revision: '2.0',
      memory: 256,
      manufacturer: 'Qisda',
      processor: 'BCM2835'
    },
    '000d': {
      type: 'B',
      revision: '2.0',
      memory: 512,
      manufacturer: 'Egoman',
      processor: 'BCM2835'
    },
    '000e': {
      type: 'B',
      revision: '2.0',
      memory: 512,
      manufacturer: 'Sony UK',
      processor: 'BCM2835'
    },
    '000f': {
      type: 'B',
      revision: '2.0',
      memory: 512,
      manufacturer: 'Egoman',
      processor: 'BCM2835'
    },
    '0010': {
      type: 'B+',
      revision: '1.2',
      memory: 512,
      manufacturer: 'Sony UK',
      processor: 'BCM2835'
    },
    '0011': {
      type: 'CM1',
      revision: '1.0',
      memory: 512,
      manufacturer: 'Sony UK',
      processor: 'BCM2835'
    },
    '0012': {
      type: 'A+',
      revision: '1.1',
      memory: 256,
      manufacturer: 'Sony UK',
      processor: 'BCM2835'
    },
    '0013': {
      type: 'B+',
      revision: '1.2',
      memory: 512,
      manufacturer: 'Embest',
      processor: 'BCM2835'
    },
    '0014': {
      type: 'CM1',
      revision: '1.0',
      memory: 512,
      manufacturer: 'Embest',
      processor: 'BCM2835'
    },
    '0015': {
      type: 'A+',
      revision: '1.1',
      memory: 256,
      manufacturer: '512MB	Embest',
      processor: 'BCM2835'
    }
  };

  const processorList = ['BCM2835', 'BCM2836', 'BCM2837', 'BCM2711', 'BCM2712'];
  const manufacturerList = ['Sony UK', 'Egoman', 'Embest', 'Sony Japan', 'Embest', 'Stadium'];
  const typeList = {
    '00': 'A',
    '01': 'B',
    '02': 'A+',
    '03': 'B+',
    '04': '2B',
    '05': 'Alpha (early prototype)',
    '06': 'CM1',
    '08': '3B',
    '09': 'Zero',
    '0a': 'CM3',
    '0c': 'Zero W',
    '0d': '3B+',
    '0e': '3A+',
    '0f': 'Internal use only',
    10: 'CM3+',
    11: '4B',
    12: 'Zero 2 W',
    13: '400',
    14: 'CM4',
    15: 'CM4S',
    16: 'Internal use only',
    17: '5',
    18: 'CM5',
    19: '500/500+',
    '1a': 'CM5 Lite'
  };

  const revisionCode = getValue(lines, 'revision', ':', true);
  const model = getValue(lines, 'model:', ':', true);
  const serial = getValue(lines, 'serial', ':', true);

  let result = {};
  if ({}.hasOwnProperty.call(oldRevisionCodes, revisionCode)) {
    // old revision codes
    result = {
      model,
      serial,
      revisionCode,
      memory: oldRevisionCodes[revisionCode].memory,
      manufacturer: oldRevisionCodes[revisionCode].manufacturer,
      processor: oldRevisionCodes[revisionCode].processor,
      type: oldRevisionCodes[revisionCode].type,
      revision: oldRevisionCodes[revisionCode].revision
    };
  } else {
    // new revision code
    const revision = ('00000000' + getValue(lines, 'revision', ':', true).toLowerCase()).substr(-8);
    const memSizeCode = parseInt(hex2bin(revision.substr(2, 1)).substr(5, 3), 2) || 0;
    const manufacturer = manufacturerList[parseInt(revision.substr(3, 1), 10)];
    const processor = processorList[parseInt(revision.substr(4, 1), 10)];
    const typeCode = revision.substr(5, 2);

    result = {
      model,
      serial,
      revisionCode,
      memory: 256 * 2 ** memSizeCode,
      manufacturer,
      processor,
      type: {}.hasOwnProperty.call(typeList, typeCode) ? typeList[typeCode] : '',
      revision: '1.' + revision.substr(7, 1)
    };
  }
  return result;
}

function getRpiGpu(cpuinfo) {
  if (_rpi_cpuinfo === null && cpuinfo !== undefined) {
    _rpi_cpuinfo = cpuinfo;
  } else if (cpuinfo === undefined && _rpi_cpuinfo !== null) {
    cpuinfo = _rpi_cpuinfo;
  } else {
    try {
      cpuinfo = fs.readFileSync('/proc/cpuinfo', { encoding: 'utf8' }).toString().split('\n');
      _rpi_cpuinfo = cpuinfo;
    } catch {
      return false;
    }
  }

  const rpi = decodePiCpuinfo(cpuinfo);
  if (rpi.type === '4B' || rpi.type === 'CM4' || rpi.type === 'CM4S' || rpi.type === '400') {
    return 'VideoCore VI';
  }
  if (rpi.type === '5' || rpi.type === '500') {
    return 'VideoCore VII';
  }
  return 'VideoCore IV';
}

function promiseAll(promises) {
  const resolvingPromises = promises.map(
    (promise) =>
      new Promise((resolve) => {
        const payload = new Array(2);
        promise
          .then((result) => {
            payload[0] = result;
          })
          .catch((error) => {
            payload[1] = error;
          })
          .then(() => {
            // The wrapped Promise returns an array: 0 = result, 1 = error ... we resolve all
            resolve(payload);
          });
      })
  );
  const errors = [];
  const results = [];

  // Execute all wrapped Promises
  return Promise.all(resolvingPromises).then((items) => {
    items.forEach((payload) => {
      if (payload[1]) {
        errors.push(payload[1]);
        results.push(null);
      } else {
        errors.push(null);
        results.push(payload[0]);
      }
    });

    return {
      errors: errors,
      results: results
    };
  });
}

function promisify(nodeStyleFunction) {
  return function () {
    const args = Array.prototype.slice.call(arguments);
    return new Promise((resolve, reject) => {
      args.push((err, data) => {
        if (err) {
          reject(err);
        } else {
          resolve(data);
        }
      });
      nodeStyleFunction.apply(null, args);
    });
  };
}

function promisifySave(nodeStyleFunction) {
  return function () {
    const args = Array.prototype.slice.call(arguments);
    return new Promise((resolve) => {
      args.push((err, data) => {
        resolve(data);
      });
      nodeStyleFunction.apply(null, args);
    });
  };
}

function linuxVersion() {
  let result = '';
  if (_linux) {
    try {
      result = execSync('uname -v', execOptsLinux).toString();
    } catch {
      result = '';
    }
  }
  return result;
}

function plistParser(xmlStr) {
  const tags = ['array', 'dict', 'key', 'string', 'integer', 'date', 'real', 'data', 'boolean', 'arrayEmpty'];
  const startStr = '<plist version';

  let pos = xmlStr.indexOf(startStr);
  const len = xmlStr.length;
  while (xmlStr[pos] !== '>' && pos < len) {
    pos++;
  }

  let depth = 0;
  let inTagStart = false;
  let inTagContent = false;
  let inTagEnd = false;
  const metaData = [{ tagStart: '', tagEnd: '', tagContent: '', key: '', data: null }];
  let c = '';
  let cn = xmlStr[pos];

  while (pos < len) {
    c = cn;
    if (pos + 1 < len) {
      cn = xmlStr[pos + 1];
    }
    if (c === '<') {
      inTagContent = false;
      if (cn === '/') {
        inTagEnd = true;
      } else if (metaData[depth].tagStart) {
        metaData[depth].tagContent = '';
        if (!metaData[depth].data) {
          metaData[depth].data = metaData[depth].tagStart === 'array' ? [] : {};
        }
        depth++;
        metaData.push({ tagStart: '', tagEnd: '', tagContent: '', key: null, data: null });
        inTagStart = true;
        inTagContent = false;
      } else if (!inTagStart) {
        inTagStart = true;
      }
    } else if (c === '>') {
      if (metaData[depth].tagStart === 'true/') {
        inTagStart = false;
        inTagEnd = true;
        metaData[depth].tagStart = '';
        metaData[depth].tagEnd = '/boolean';
        metaData[depth].data = true;
      }
      if (metaData[depth].tagStart === 'false/') {
        inTagStart = false;
        inTagEnd = true;
        metaData[depth].tagStart = '';
        metaData[depth].tagEnd = '/boolean';
        metaData[depth].data = false;
      }
      if (metaData[depth].tagStart === 'array/') {
        inTagStart = false;
        inTagEnd = true;
        metaData[depth].tagStart = '';
        metaData[depth].tagEnd = '/arrayEmpty';
        metaData[depth].data = [];
      }
      if (inTagContent) {
        inTagContent = false;
      }
      if (inTagStart) {
        inTagStart = false;
        inTagContent = true;
        if (metaData[depth].tagStart === 'array') {
          metaData[depth].data = [];
        }
        if (metaData[depth].tagStart === 'dict') {
          metaData[depth].data = {};
        }
      }
      if (inTagEnd) {
        inTagEnd = false;
        if (metaData[depth].tagEnd && tags.indexOf(metaData[depth].tagEnd.substr(1)) >= 0) {
          if (metaData[depth].tagEnd === '/dict' || metaData[depth].tagEnd === '/array') {
            if (depth > 1 && metaData[depth - 2].tagStart === 'array') {
              metaData[depth - 2].data.push(metaData[depth - 1].data);
            }
            if (depth > 1 && metaData[depth - 2].tagStart === 'dict' && !isProtoKey(metaData[depth - 1].key)) {
              metaData[depth - 2].data[metaData[depth - 1].key] = metaData[depth - 1].data;
            }
            depth--;
            metaData.pop();
            metaData[depth].tagContent = '';
            metaData[depth].tagStart = '';
            metaData[depth].tagEnd = '';
          } else {
            if (metaData[depth].tagEnd === '/key' && metaData[depth].tagContent) {
              metaData[depth].key = metaData[depth].tagContent;
            } else {
              if (metaData[depth].tagEnd === '/real' && metaData[depth].tagContent) {
                metaData[depth].data = parseFloat(metaData[depth].tagContent) || 0;
              }
              if (metaData[depth].tagEnd === '/integer' && metaData[depth].tagContent) {
                metaData[depth].data = parseInt(metaData[depth].tagContent) || 0;
              }
              if (metaData[depth].tagEnd === '/string' && metaData[depth].tagContent) {
                metaData[depth].data = metaData[depth].tagContent || '';
              }
              if (metaData[depth].tagEnd === '/boolean') {
                metaData[depth].data = metaData[depth].tagContent || false;
              }
              if (metaData[depth].tagEnd === '/arrayEmpty') {
                metaData[depth].data = metaData[depth].tagContent || [];
              }
              if (depth > 0 && metaData[depth - 1].tagStart === 'array') {
                metaData[depth - 1].data.push(metaData[depth].data);
              }
              if (depth > 0 && metaData[depth - 1].tagStart === 'dict' && !isProtoKey(metaData[depth].key)) {
                metaData[depth - 1].data[metaData[depth].key] = metaData[depth].data;
              }
            }
            metaData[depth].tagContent = '';
            metaData[depth].tagStart = '';
            metaData[depth].tagEnd = '';
          }
        }
        metaData[depth].tagEnd = '';
        inTagStart = false;
        inTagContent = false;
      }
    } else {
      if (inTagStart) {
        metaData[depth].tagStart += c;
      }
      if (inTagEnd) {
        metaData[depth].tagEnd += c;
      }
      if (inTagContent) {
        metaData[depth].tagContent += c;
      }
    }
    pos++;
  }
  return metaData[0].data;
}

function strIsNumeric(str) {
  return typeof str === 'string' && !isNaN(str) && !isNaN(parseFloat(str));
}

function plistReader(output) {
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].indexOf(' = ') >= 0) {
      const lineParts = lines[i].split(' = ');
      lineParts[0] = lineParts[0].trim();
      if (!lineParts[0].startsWith('"')) {
        lineParts[0] = '"' + lineParts[0] + '"';
      }
      lineParts[1] = lineParts[1].trim();
      if (lineParts[1].indexOf('"') === -1 && lineParts[1].endsWith(';')) {
        const valueString = lineParts[1].substring(0, lineParts[1].length - 1);
        if (!strIsNumeric(valueString)) {
          lineParts[1] = `"${valueString}";`;
        }
      }
      if (lineParts[1].indexOf('"') >= 0 && lineParts[1].endsWith(';')) {
        const valueString = lineParts[1].substring(0, lineParts[1].length - 1).replace(/"/g, '');
        if (strIsNumeric(valueString)) {
          lineParts[1] = `${valueString};`;
        }
      }
      lines[i] = lineParts.join(' : ');
    }
    lines[i] = lines[i].replace(/\(/g, '[').replace(/\)/g, ']').replace(/;/g, ',').trim();
    if (lines[i].startsWith('}') && lines[i - 1] && lines[i - 1].endsWith(',')) {
      lines[i - 1] = lines[i - 1].substring(0, lines[i - 1].length - 1);
    }
  }
  output = lines.join('');
  let obj = {};
  try {
    obj = JSON.parse(output);
  } catch (e) {
    noop();
  }
  return obj;
}

function semverCompare(v1, v2) {
  let res = 0;
  const parts1 = v1.split('.').map((p) => parseInt(p, 10) || 0);
  const parts2 = v2.split('.').map((p) => parseInt(p, 10) || 0);
  if (parts1[0] < parts2[0]) {
    res = 1;
  } else if (parts1[0] > parts2[0]) {
    res = -1;
  } else if (parts1[0] === parts2[0] && parts1.length >= 2 && parts2.length >= 2) {
    if (parts1[1] < parts2[1]) {
      res = 1;
    } else if (parts1[1] > parts2[1]) {
      res = -1;
    } else if (parts1[1] === parts2[1]) {
      if (parts1.length >= 3 && parts2.length >= 3) {
        if (parts1[2] < parts2[2]) {
          res = 1;
        } else if (parts1[2] > parts2[2]) {
          res = -1;
        }
      } else if (parts2.length >= 3) {
        res = 1;
      }
    }
  }
  return res;
}

// Mac model name and serial number / model identifier

function getAppleModel(key) {
  const appleModelIds = [
    {
      key: 'Mac18,5',
      name: 'Mac mini',
      size: '',
      processor: 'M6',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,16',
      name: 'Mac mini',
      size: '',
      processor: 'M5 Pro',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,15',
      name: 'Mac Studio',
      size: '',
      processor: 'M5 Ultra',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,14',
      name: 'Mac Studio',
      size: '',
      processor: 'M5 Max',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,9',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M5 Pro',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,8',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M5 Pro',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,7',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M5 Max',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,6',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M5 Max',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,5',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M5 Pro',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,4',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M5 Pro',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,1',
      name: 'MacBook Neo',
      size: '14-inch',
      processor: 'A18 Pro',
      year: '2026',
      additional: ''
    },
    {
      key: 'Mac17,3',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M5',
      year: '2025',
      additional: ''
    },
    {
      key: 'Mac17,2',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M5',
      year: '2025',
      additional: ''
    },
    {
      key: 'Mac16,13',
      name: 'MacBook Air',
      size: '15-inch',
      processor: 'M4',
      year: '2025',
      additional: ''
    },
    {
      key: 'Mac16,12',
      name: 'MacBook Air',
      size: '13-inch',
      processor: 'M4',
      year: '2025',
      additional: ''
    },
    {
      key: 'Mac15,13',
      name: 'MacBook Air',
      size: '15-inch',
      processor: 'M3',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac15,12',
      name: 'MacBook Air',
      size: '13-inch',
      processor: 'M3',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac14,15',
      name: 'MacBook Air',
      size: '15-inch',
      processor: 'M2',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac14,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: 'M2',
      year: '2022',
      additional: ''
    },
    {
      key: 'MacBookAir10,1',
      name: 'MacBook Air',
      size: '13-inch',
      processor: 'M1',
      year: '2020',
      additional: ''
    },
    {
      key: 'MacBookAir9,1',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: '2020',
      additional: ''
    },
    {
      key: 'MacBookAir8,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: '2019',
      additional: ''
    },
    {
      key: 'MacBookAir8,1',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: '2018',
      additional: ''
    },
    {
      key: 'MacBookAir7,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: '2017',
      additional: ''
    },
    {
      key: 'MacBookAir7,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: 'Early 2015',
      additional: ''
    },
    {
      key: 'MacBookAir7,1',
      name: 'MacBook Air',
      size: '11-inch',
      processor: '',
      year: 'Early 2015',
      additional: ''
    },
    {
      key: 'MacBookAir6,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: 'Early 2014',
      additional: ''
    },
    {
      key: 'MacBookAir6,1',
      name: 'MacBook Air',
      size: '11-inch',
      processor: '',
      year: 'Early 2014',
      additional: ''
    },
    {
      key: 'MacBookAir6,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: 'Mid 2013',
      additional: ''
    },
    {
      key: 'MacBookAir6,1',
      name: 'MacBook Air',
      size: '11-inch',
      processor: '',
      year: 'Mid 2013',
      additional: ''
    },
    {
      key: 'MacBookAir5,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: 'Mid 2012',
      additional: ''
    },
    {
      key: 'MacBookAir5,1',
      name: 'MacBook Air',
      size: '11-inch',
      processor: '',
      year: 'Mid 2012',
      additional: ''
    },
    {
      key: 'MacBookAir4,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: 'Mid 2011',
      additional: ''
    },
    {
      key: 'MacBookAir4,1',
      name: 'MacBook Air',
      size: '11-inch',
      processor: '',
      year: 'Mid 2011',
      additional: ''
    },
    {
      key: 'MacBookAir3,2',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: 'Late 2010',
      additional: ''
    },
    {
      key: 'MacBookAir3,1',
      name: 'MacBook Air',
      size: '11-inch',
      processor: '',
      year: 'Late 2010',
      additional: ''
    },
    {
      key: 'MacBookAir2,1',
      name: 'MacBook Air',
      size: '13-inch',
      processor: '',
      year: 'Mid 2009',
      additional: ''
    },
    {
      key: 'Mac16,1',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M4',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac16,6',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M4 Pro',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac16,8',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M4 Max',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac16,5',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M4 Pro',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac16,6',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M4 Max',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac15,3',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M3',
      year: 'Nov 2023',
      additional: ''
    },
    {
      key: 'Mac15,6',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M3 Pro',
      year: 'Nov 2023',
      additional: ''
    },
    {
      key: 'Mac15,8',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M3 Pro',
      year: 'Nov 2023',
      additional: ''
    },
    {
      key: 'Mac15,10',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M3 Max',
      year: 'Nov 2023',
      additional: ''
    },
    {
      key: 'Mac15,7',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M3 Pro',
      year: 'Nov 2023',
      additional: ''
    },
    {
      key: 'Mac15,9',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M3 Pro',
      year: 'Nov 2023',
      additional: ''
    },
    {
      key: 'Mac15,11',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M3 Max',
      year: 'Nov 2023',
      additional: ''
    },
    {
      key: 'Mac14,5',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M2 Max',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac14,9',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M2 Max',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac14,6',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M2 Max',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac14,10',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M2 Max',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac14,7',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: 'M2',
      year: '2022',
      additional: ''
    },
    {
      key: 'MacBookPro18,3',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M1 Pro',
      year: '2021',
      additional: ''
    },
    {
      key: 'MacBookPro18,4',
      name: 'MacBook Pro',
      size: '14-inch',
      processor: 'M1 Max',
      year: '2021',
      additional: ''
    },
    {
      key: 'MacBookPro18,1',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M1 Pro',
      year: '2021',
      additional: ''
    },
    {
      key: 'MacBookPro18,2',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: 'M1 Max',
      year: '2021',
      additional: ''
    },
    {
      key: 'MacBookPro17,1',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: 'M1',
      year: '2020',
      additional: ''
    },
    {
      key: 'MacBookPro16,3',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2020',
      additional: 'Two Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro16,2',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2020',
      additional: 'Four Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro16,1',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: '',
      year: '2019',
      additional: ''
    },
    {
      key: 'MacBookPro16,4',
      name: 'MacBook Pro',
      size: '16-inch',
      processor: '',
      year: '2019',
      additional: ''
    },
    {
      key: 'MacBookPro15,3',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: '2019',
      additional: ''
    },
    {
      key: 'MacBookPro15,2',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2019',
      additional: ''
    },
    {
      key: 'MacBookPro15,1',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: '2019',
      additional: ''
    },
    {
      key: 'MacBookPro15,4',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2019',
      additional: 'Two Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro15,1',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: '2018',
      additional: ''
    },
    {
      key: 'MacBookPro15,2',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2018',
      additional: 'Four Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro14,1',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2017',
      additional: 'Two Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro14,2',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2017',
      additional: 'Four Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro14,3',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: '2017',
      additional: ''
    },
    {
      key: 'MacBookPro13,1',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2016',
      additional: 'Two Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro13,2',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: '2016',
      additional: 'Four Thunderbolt 3 ports'
    },
    {
      key: 'MacBookPro13,3',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: '2016',
      additional: ''
    },
    {
      key: 'MacBookPro11,4',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Mid 2015',
      additional: ''
    },
    {
      key: 'MacBookPro11,5',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Mid 2015',
      additional: ''
    },
    {
      key: 'MacBookPro12,1',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: 'Early 2015',
      additional: ''
    },
    {
      key: 'MacBookPro11,2',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Late 2013',
      additional: ''
    },
    {
      key: 'MacBookPro11,3',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Late 2013',
      additional: ''
    },
    {
      key: 'MacBookPro11,1',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: 'Late 2013',
      additional: ''
    },
    {
      key: 'MacBookPro10,1',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Mid 2012',
      additional: ''
    },
    {
      key: 'MacBookPro10,2',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: 'Late 2012',
      additional: ''
    },
    {
      key: 'MacBookPro9,1',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Mid 2012',
      additional: ''
    },
    {
      key: 'MacBookPro9,2',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: 'Mid 2012',
      additional: ''
    },
    {
      key: 'MacBookPro8,3',
      name: 'MacBook Pro',
      size: '17-inch',
      processor: '',
      year: 'Early 2011',
      additional: ''
    },
    {
      key: 'MacBookPro8,2',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Early 2011',
      additional: ''
    },
    {
      key: 'MacBookPro8,1',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: 'Early 2011',
      additional: ''
    },
    {
      key: 'MacBookPro6,1',
      name: 'MacBook Pro',
      size: '17-inch',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'MacBookPro6,2',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'MacBookPro7,1',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'MacBookPro5,2',
      name: 'MacBook Pro',
      size: '17-inch',
      processor: '',
      year: 'Early 2009',
      additional: ''
    },
    {
      key: 'MacBookPro5,3',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Mid 2009',
      additional: ''
    },
    {
      key: 'MacBookPro5,5',
      name: 'MacBook Pro',
      size: '13-inch',
      processor: '',
      year: 'Mid 2009',
      additional: ''
    },
    {
      key: 'MacBookPro5,1',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Late 2008',
      additional: ''
    },
    {
      key: 'MacBookPro4,1',
      name: 'MacBook Pro',
      size: '15-inch',
      processor: '',
      year: 'Early 2008',
      additional: ''
    },
    {
      key: 'MacBook10,1',
      name: 'MacBook',
      size: '12-inch',
      processor: '',
      year: '2017',
      additional: ''
    },
    {
      key: 'MacBook9,1',
      name: 'MacBook',
      size: '12-inch',
      processor: '',
      year: 'Early 2016',
      additional: ''
    },
    {
      key: 'MacBook8,1',
      name: 'MacBook',
      size: '12-inch',
      processor: '',
      year: 'Early 2015',
      additional: ''
    },
    {
      key: 'MacBook7,1',
      name: 'MacBook',
      size: '13-inch',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'MacBook6,1',
      name: 'MacBook',
      size: '13-inch',
      processor: '',
      year: 'Late 2009',
      additional: ''
    },
    {
      key: 'MacBook5,2',
      name: 'MacBook',
      size: '13-inch',
      processor: '',
      year: 'Early 2009',
      additional: ''
    },
    {
      key: 'Mac14,13',
      name: 'Mac Studio',
      size: '',
      processor: 'M2 Max',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac14,14',
      name: 'Mac Studio',
      size: '',
      processor: 'M2 Ultra',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac15,14',
      name: 'Mac Studio',
      size: '',
      processor: 'M3 Ultra',
      year: '2025',
      additional: ''
    },
    {
      key: 'Mac16,9',
      name: 'Mac Studio',
      size: '',
      processor: 'M4 Max',
      year: '2025',
      additional: ''
    },
    {
      key: 'Mac13,1',
      name: 'Mac Studio',
      size: '',
      processor: 'M1 Max',
      year: '2022',
      additional: ''
    },
    {
      key: 'Mac13,2',
      name: 'Mac Studio',
      size: '',
      processor: 'M1 Ultra',
      year: '2022',
      additional: ''
    },
    {
      key: 'Mac16,11',
      name: 'Mac mini',
      size: '',
      processor: 'M4 Pro',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac16,10',
      name: 'Mac mini',
      size: '',
      processor: 'M4',
      year: '2024',
      additional: ''
    },
    {
      key: 'Mac14,3',
      name: 'Mac mini',
      size: '',
      processor: 'M2',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac14,12',
      name: 'Mac mini',
      size: '',
      processor: 'M2 Pro',
      year: '2023',
      additional: ''
    },
    {
      key: 'Macmini9,1',
      name: 'Mac mini',
      size: '',
      processor: 'M1',
      year: '2020',
      additional: ''
    },
    {
      key: 'Macmini8,1',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Late 2018',
      additional: ''
    },
    {
      key: 'Macmini7,1',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Late 2014',
      additional: ''
    },
    {
      key: 'Macmini6,1',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Late 2012',
      additional: ''
    },
    {
      key: 'Macmini6,2',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Late 2012',
      additional: ''
    },
    {
      key: 'Macmini5,1',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Mid 2011',
      additional: ''
    },
    {
      key: 'Macmini5,2',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Mid 2011',
      additional: ''
    },
    {
      key: 'Macmini4,1',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'Macmini3,1',
      name: 'Mac mini',
      size: '',
      processor: '',
      year: 'Early 2009',
      additional: ''
    },
    {
      key: 'Mac16,3',
      name: 'iMac',
      size: '24-inch',
      processor: 'M4',
      year: '2024',
      additional: 'Four ports'
    },
    {
      key: 'Mac16,2',
      name: 'iMac',
      size: '24-inch',
      processor: 'M4',
      year: '2024',
      additional: 'Two ports'
    },
    {
      key: 'Mac15,5',
      name: 'iMac',
      size: '24-inch',
      processor: 'M3',
      year: '2023',
      additional: 'Four ports'
    },
    {
      key: 'Mac15,4',
      name: 'iMac',
      size: '24-inch',
      processor: 'M3',
      year: '2023',
      additional: 'Two ports'
    },
    {
      key: 'iMac21,1',
      name: 'iMac',
      size: '24-inch',
      processor: 'M1',
      year: '2021',
      additional: ''
    },
    {
      key: 'iMac21,2',
      name: 'iMac',
      size: '24-inch',
      processor: 'M1',
      year: '2021',
      additional: ''
    },
    {
      key: 'iMac20,1',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: '2020',
      additional: 'Retina 5K'
    },
    {
      key: 'iMac20,2',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: '2020',
      additional: 'Retina 5K'
    },
    {
      key: 'iMac19,1',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: '2019',
      additional: 'Retina 5K'
    },
    {
      key: 'iMac19,2',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: '2019',
      additional: 'Retina 4K'
    },
    {
      key: 'iMacPro1,1',
      name: 'iMac Pro',
      size: '',
      processor: '',
      year: '2017',
      additional: ''
    },
    {
      key: 'iMac18,3',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: '2017',
      additional: 'Retina 5K'
    },
    {
      key: 'iMac18,2',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: '2017',
      additional: 'Retina 4K'
    },
    {
      key: 'iMac18,1',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: '2017',
      additional: ''
    },
    {
      key: 'iMac17,1',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: 'Late 2015',
      additional: 'Retina 5K'
    },
    {
      key: 'iMac16,2',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Late 2015',
      additional: 'Retina 4K'
    },
    {
      key: 'iMac16,1',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Late 2015',
      additional: ''
    },
    {
      key: 'iMac15,1',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: 'Late 2014',
      additional: 'Retina 5K'
    },
    {
      key: 'iMac14,4',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Mid 2014',
      additional: ''
    },
    {
      key: 'iMac14,2',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: 'Late 2013',
      additional: ''
    },
    {
      key: 'iMac14,1',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Late 2013',
      additional: ''
    },
    {
      key: 'iMac13,2',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: 'Late 2012',
      additional: ''
    },
    {
      key: 'iMac13,1',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Late 2012',
      additional: ''
    },
    {
      key: 'iMac12,2',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: 'Mid 2011',
      additional: ''
    },
    {
      key: 'iMac12,1',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Mid 2011',
      additional: ''
    },
    {
      key: 'iMac11,3',
      name: 'iMac',
      size: '27-inch',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'iMac11,2',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'iMac10,1',
      name: 'iMac',
      size: '21.5-inch',
      processor: '',
      year: 'Late 2009',
      additional: ''
    },
    {
      key: 'iMac9,1',
      name: 'iMac',
      size: '20-inch',
      processor: '',
      year: 'Early 2009',
      additional: ''
    },
    {
      key: 'Mac14,8',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: '2023',
      additional: ''
    },
    {
      key: 'Mac14,8',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: '2023',
      additional: 'Rack'
    },
    {
      key: 'MacPro7,1',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: '2019',
      additional: ''
    },
    {
      key: 'MacPro7,1',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: '2019',
      additional: 'Rack'
    },
    {
      key: 'MacPro6,1',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: 'Late 2013',
      additional: ''
    },
    {
      key: 'MacPro5,1',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: 'Mid 2012',
      additional: ''
    },
    {
      key: 'MacPro5,1',
      name: 'Mac Pro Server',
      size: '',
      processor: '',
      year: 'Mid 2012',
      additional: 'Server'
    },
    {
      key: 'MacPro5,1',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: 'Mid 2010',
      additional: ''
    },
    {
      key: 'MacPro5,1',
      name: 'Mac Pro Server',
      size: '',
      processor: '',
      year: 'Mid 2010',
      additional: 'Server'
    },
    {
      key: 'MacPro4,1',
      name: 'Mac Pro',
      size: '',
      processor: '',
      year: 'Early 2009',
      additional: ''
    }
  ];

  const list = appleModelIds.filter((model) => model.key === key);
  if (list.length === 0) {
    return {
      key: key,
      model: 'Apple',
      version: 'Unknown'
    };
  }
  const features = [];
  if (list[0].size) {
    features.push(list[0].size);
  }
  if (list[0].processor) {
    features.push(list[0].processor);
  }
  if (list[0].year) {
    features.push(list[0].year);
  }
  if (list[0].additional) {
    features.push(list[0].additional);
  }
  return {
    key: key,
    model: list[0].name,
    version: list[0].name + ' (' + features.join(', ') + ')'
  };
}

function checkWebsite(url, timeout = 5000) {
  const http = url.startsWith('https:') || url.indexOf(':443/') > 0 || url.indexOf(':8443/') > 0 ? __nccwpck_require__(692) : __nccwpck_require__(611);
  const t = Date.now();
  return new Promise((resolve) => {
    try {
      const request = http
        .get(url, (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            resolve({
              url,
              statusCode: res.statusCode,
              message: res.statusMessage,
              time: Date.now() - t
            });
          });
        })
        .on('error', (e) => {
          resolve({
            url,
            statusCode: 404,
            message: e.message,
            time: Date.now() - t
          });
        })
        .setTimeout(timeout, () => {
          request.destroy();
          resolve({
            url,
            statusCode: 408,
            message: 'Request Timeout',
            time: Date.now() - t
          });
        });
    } catch (e) {
      // http.get() throws synchronously on invalid URLs
      resolve({
        url,
        statusCode: 404,
        message: e.message,
        time: Date.now() - t
      });
    }
  });
}

function cleanString(str) {
  return str.replace(/To Be Filled By O.E.M./g, '');
}

function grep(str, pattern) {
  const result = str
    .split('\n')
    .filter((line) => line.includes(pattern))
    .join('\n');
  return result;
}

function noop() {}

function isProtoKey(key) {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

exports.toInt = toInt;
exports.splitByNumber = splitByNumber;
exports.execOptsWin = execOptsWin;
exports.execCwd = execCwd;
exports.execOptsLinux = execOptsLinux;
exports.getCodepage = getCodepage;
exports.execWin = execWin;
exports.isFunction = isFunction;
exports.unique = unique;
exports.sortByKey = sortByKey;
exports.cores = cores;
exports.getValue = getValue;
exports.decodeEscapeSequence = decodeEscapeSequence;
exports.parseDateTime = parseDateTime;
exports.parseHead = parseHead;
exports.findObjectByKey = findObjectByKey;
exports.darwinXcodeExists = darwinXcodeExists;
exports.getVboxmanage = getVboxmanage;
exports.powerShell = powerShell;
exports.powerShellStart = powerShellStart;
exports.powerShellRelease = powerShellRelease;
exports.execSafe = execSafe;
exports.nanoSeconds = nanoSeconds;
exports.countUniqueLines = countUniqueLines;
exports.countLines = countLines;
exports.noop = noop;
exports.isRaspberry = isRaspberry;
exports.isRaspbian = isRaspbian;
exports.sanitizeShellString = sanitizeShellString;
exports.sanitizeContainerID = sanitizeContainerID;
exports.sanitizeImageID = sanitizeImageID;
exports.isPrototypePolluted = isPrototypePolluted;
exports.sanitizeString = sanitizeString;
exports.sanitizeDriveLetter = sanitizeDriveLetter;
exports.decodePiCpuinfo = decodePiCpuinfo;
exports.getRpiGpu = getRpiGpu;
exports.promiseAll = promiseAll;
exports.promisify = promisify;
exports.promisifySave = promisifySave;
exports.smartMonToolsInstalled = smartMonToolsInstalled;
exports.linuxVersion = linuxVersion;
exports.plistParser = plistParser;
exports.plistReader = plistReader;
exports.stringObj = stringObj;
exports.stringReplace = stringReplace;
exports.stringToLower = stringToLower;
exports.stringToString = stringToString;
exports.stringSubstr = stringSubstr;
exports.stringSubstring = stringSubstring;
exports.stringTrim = stringTrim;
exports.stringStartWith = stringStartWith;
exports.stringSplit = stringSplit;
exports.mathMin = mathMin;
exports.WINDIR = WINDIR;
exports.getFilesInPath = getFilesInPath;
exports.semverCompare = semverCompare;
exports.getAppleModel = getAppleModel;
exports.checkWebsite = checkWebsite;
exports.cleanString = cleanString;
exports.grep = grep;
exports.getPowershell = getPowershell;


/***/ }),

/***/ 784:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// virtualbox.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 14. Docker
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const util = __nccwpck_require__(796);
const exec = util.execCwd;

function vboxInfo(callback) {
  callback = util.isFunction(callback) ? callback : null;
  // fallback - if only callback is given
  let result = [];
  return new Promise((resolve) => {
    process.nextTick(() => {
      try {
        exec(util.getVboxmanage() + ' list vms --long', (error, stdout) => {
          let parts = (os.EOL + stdout.toString()).split(os.EOL + 'Name:');
          parts.shift();
          parts.forEach((part) => {
            const lines = ('Name:' + part).split(os.EOL);
            const state = util.getValue(lines, 'State');
            const running = state.startsWith('running');
            const runningSinceString = running ? state.replace('running (since ', '').replace(')', '').trim() : '';
            let runningSince = 0;
            try {
              if (running) {
                const sinceDateObj = new Date(runningSinceString);
                const parsed = Date.parse(sinceDateObj);
                if (!isNaN(parsed)) {
                  const offset = sinceDateObj.getTimezoneOffset();
                  runningSince = Math.round((Date.now() - parsed) / 1000) + offset * 60;
                }
              }
            } catch {
              util.noop();
            }
            const stoppedSinceString = !running ? state.replace('powered off (since', '').replace(')', '').trim() : '';
            let stoppedSince = 0;
            try {
              if (!running) {
                const sinceDateObj = new Date(stoppedSinceString);
                const parsed = Date.parse(sinceDateObj);
                if (!isNaN(parsed)) {
                  const offset = sinceDateObj.getTimezoneOffset();
                  stoppedSince = Math.round((Date.now() - parsed) / 1000) + offset * 60;
                }
              }
            } catch {
              util.noop();
            }
            result.push({
              id: util.getValue(lines, 'UUID'),
              name: util.getValue(lines, 'Name'),
              running,
              started: runningSinceString,
              runningSince,
              stopped: stoppedSinceString,
              stoppedSince,
              guestOS: util.getValue(lines, 'Guest OS'),
              hardwareUUID: util.getValue(lines, 'Hardware UUID'),
              memory: parseInt(util.getValue(lines, 'Memory size', '     '), 10),
              vram: parseInt(util.getValue(lines, 'VRAM size'), 10),
              cpus: parseInt(util.getValue(lines, 'Number of CPUs'), 10),
              cpuExepCap: util.getValue(lines, 'CPU exec cap'),
              cpuProfile: util.getValue(lines, 'CPUProfile'),
              chipset: util.getValue(lines, 'Chipset'),
              firmware: util.getValue(lines, 'Firmware'),
              pageFusion: util.getValue(lines, 'Page Fusion') === 'enabled',
              configFile: util.getValue(lines, 'Config file'),
              snapshotFolder: util.getValue(lines, 'Snapshot folder'),
              logFolder: util.getValue(lines, 'Log folder'),
              hpet: util.getValue(lines, 'HPET') === 'enabled',
              pae: util.getValue(lines, 'PAE') === 'enabled',
              longMode: util.getValue(lines, 'Long Mode') === 'enabled',
              tripleFaultReset: util.getValue(lines, 'Triple Fault Reset') === 'enabled',
              apic: util.getValue(lines, 'APIC') === 'enabled',
              x2Apic: util.getValue(lines, 'X2APIC') === 'enabled',
              acpi: util.getValue(lines, 'ACPI') === 'enabled',
              ioApic: util.getValue(lines, 'IOAPIC') === 'enabled',
              biosApicMode: util.getValue(lines, 'BIOS APIC mode'),
              bootMenuMode: util.getValue(lines, 'Boot menu mode'),
              bootDevice1: util.getValue(lines, 'Boot Device 1'),
              bootDevice2: util.getValue(lines, 'Boot Device 2'),
              bootDevice3: util.getValue(lines, 'Boot Device 3'),
              bootDevice4: util.getValue(lines, 'Boot Device 4'),
              timeOffset: util.getValue(lines, 'Time offset'),
              rtc: util.getValue(lines, 'RTC')
            });
          });

          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } catch {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.vboxInfo = vboxInfo;


/***/ }),

/***/ 337:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// @ts-check
// ==================================================================================
// wifi.js
// ----------------------------------------------------------------------------------
// Description:   System Information - library
//                for Node.js
// Copyright:     (c) 2014 - 2026
// Author:        Sebastian Hildebrandt
// ----------------------------------------------------------------------------------
// License:       MIT
// ==================================================================================
// 9. wifi
// ----------------------------------------------------------------------------------

const os = __nccwpck_require__(857);
const exec = (__nccwpck_require__(317).exec);
const execSync = (__nccwpck_require__(317).execSync);
const util = __nccwpck_require__(796);

const _platform = process.platform;

const _linux = _platform === 'linux' || _platform === 'android';
const _darwin = _platform === 'darwin';
const _windows = _platform === 'win32';

function wifiDBFromQuality(quality) {
  const qual = parseFloat(quality);
  if (isNaN(qual)) {
    return null;
  }
  if (qual < 0) {
    return 0;
  }
  if (qual >= 100) {
    return -50;
  }
  return qual / 2 - 100;
}

function wifiQualityFromDB(db) {
  const dbValue = parseFloat(db);
  if (isNaN(dbValue)) {
    return null;
  }
  const result = 2 * (dbValue + 100);
  return result <= 100 ? result : 100;
}

const _wifi_frequencies = {
  1: 2412,
  2: 2417,
  3: 2422,
  4: 2427,
  5: 2432,
  6: 2437,
  7: 2442,
  8: 2447,
  9: 2452,
  10: 2457,
  11: 2462,
  12: 2467,
  13: 2472,
  14: 2484,
  32: 5160,
  34: 5170,
  36: 5180,
  38: 5190,
  40: 5200,
  42: 5210,
  44: 5220,
  46: 5230,
  48: 5240,
  50: 5250,
  52: 5260,
  54: 5270,
  56: 5280,
  58: 5290,
  60: 5300,
  62: 5310,
  64: 5320,
  68: 5340,
  96: 5480,
  100: 5500,
  102: 5510,
  104: 5520,
  106: 5530,
  108: 5540,
  110: 5550,
  112: 5560,
  114: 5570,
  116: 5580,
  118: 5590,
  120: 5600,
  122: 5610,
  124: 5620,
  126: 5630,
  128: 5640,
  132: 5660,
  134: 5670,
  136: 5680,
  138: 5690,
  140: 5700,
  142: 5710,
  144: 5720,
  149: 5745,
  151: 5755,
  153: 5765,
  155: 5775,
  157: 5785,
  159: 5795,
  161: 5805,
  165: 5825,
  169: 5845,
  173: 5865,
  183: 4915,
  184: 4920,
  185: 4925,
  187: 4935,
  188: 4940,
  189: 4945,
  192: 4960,
  196: 4980
};

function wifiFrequencyFromChannel(channel) {
  return {}.hasOwnProperty.call(_wifi_frequencies, channel) ? _wifi_frequencies[channel] : null;
}

function wifiChannelFromFrequencs(frequency) {
  let channel = 0;
  for (const key in _wifi_frequencies) {
    if ({}.hasOwnProperty.call(_wifi_frequencies, key)) {
      if (_wifi_frequencies[key] === frequency) {
        channel = util.toInt(key);
      }
    }
  }
  return channel;
}

function ifaceListLinux() {
  const result = [];
  const cmd = 'iw dev 2>/dev/null';
  try {
    const all = execSync(cmd, util.execOptsLinux)
      .toString()
      .split('\n')
      .map((line) => line.trim())
      .join('\n');
    const parts = all.split('\nInterface ');
    parts.shift();
    parts.forEach((ifaceDetails) => {
      const lines = ifaceDetails.split('\n');
      const iface = lines[0];
      const id = util.toInt(util.getValue(lines, 'ifindex', ' '));
      const mac = util.getValue(lines, 'addr', ' ');
      const channel = util.toInt(util.getValue(lines, 'channel', ' '));
      result.push({
        id,
        iface,
        mac,
        channel
      });
    });
    return result;
  } catch {
    try {
      const all = execSync('nmcli -t -f general,wifi-properties,wired-properties,interface-flags,capabilities,nsp device show 2>/dev/null', util.execOptsLinux).toString();
      const parts = all.split('\n\n');
      let i = 1;
      parts.forEach((ifaceDetails) => {
        const lines = ifaceDetails.split('\n');
        const iface = util.getValue(lines, 'GENERAL.DEVICE');
        const type = util.getValue(lines, 'GENERAL.TYPE');
        const id = i++; // // util.getValue(lines, 'GENERAL.PATH');
        const mac = util.getValue(lines, 'GENERAL.HWADDR');
        const channel = '';
        if (type.toLowerCase() === 'wifi') {
          result.push({
            id,
            iface,
            mac,
            channel
          });
        }
      });
      return result;
    } catch {
      return [];
    }
  }
}

function nmiDeviceLinux(iface) {
  const cmd = `nmcli -t -f general,wifi-properties,capabilities,ip4,ip6 device show ${util.sanitizeString(iface, true)} 2> /dev/null`;
  try {
    const lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
    const ssid = util.getValue(lines, 'GENERAL.CONNECTION');
    const uuid = util.getValue(lines, 'GENERAL.CON-UUID');
    return {
      iface,
      type: util.getValue(lines, 'GENERAL.TYPE'),
      vendor: util.getValue(lines, 'GENERAL.VENDOR'),
      product: util.getValue(lines, 'GENERAL.PRODUCT'),
      mac: util.getValue(lines, 'GENERAL.HWADDR').toLowerCase(),
      ssid: ssid !== '--' ? ssid : null,
      uuid: uuid !== '--' ? uuid : null
    };
  } catch {
    return {};
  }
}

function nmiConnectionLinux(uuid) {
  // query by connection UUID instead of SSID: profile names may differ from the SSID
  if (!uuid || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) {
    return {};
  }
  const cmd = `nmcli -t connection show ${uuid} 2>/dev/null`;
  try {
    const lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
    const ssid = util.getValue(lines, '802-11-wireless.ssid');
    const bssid = util.getValue(lines, '802-11-wireless.seen-bssids').toLowerCase();
    return {
      ssid: ssid || null,
      uuid: util.getValue(lines, 'connection.uuid'),
      type: util.getValue(lines, 'connection.type'),
      autoconnect: util.getValue(lines, 'connection.autoconnect') === 'yes',
      security: util.getValue(lines, '802-11-wireless-security.key-mgmt'),
      bssid: bssid !== '--' ? bssid : null
    };
  } catch {
    return {};
  }
}

function wpaConnectionLinux(iface) {
  if (!iface) {
    return {};
  }
  const cmd = `wpa_cli -i ${util.sanitizeString(iface, true)} status 2>&1`;
  try {
    const lines = execSync(cmd, util.execOptsLinux).toString().split('\n');
    const freq = util.toInt(util.getValue(lines, 'freq', '='));
    return {
      ssid: util.getValue(lines, 'ssid', '='),
      uuid: util.getValue(lines, 'uuid', '='),
      security: util.getValue(lines, 'key_mgmt', '='),
      freq,
      channel: wifiChannelFromFrequencs(freq),
      bssid: util.getValue(lines, 'bssid', '=').toLowerCase()
    };
  } catch {
    return {};
  }
}

function getWifiNetworkListNmi() {
  const result = [];
  const cmd = 'nmcli -t -m multiline --fields active,ssid,bssid,mode,chan,freq,signal,security,wpa-flags,rsn-flags device wifi list 2>/dev/null';
  try {
    const stdout = execSync(cmd, util.execOptsLinux);
    const parts = stdout.toString().split('ACTIVE:');
    parts.shift();
    parts.forEach((part) => {
      part = 'ACTIVE:' + part;
      const lines = part.split(os.EOL);
      const channel = util.getValue(lines, 'CHAN');
      const frequency = util.getValue(lines, 'FREQ').toLowerCase().replace('mhz', '').trim();
      const security = util.getValue(lines, 'SECURITY').replace('(', '').replace(')', '');
      const wpaFlags = util.getValue(lines, 'WPA-FLAGS').replace('(', '').replace(')', '');
      const rsnFlags = util.getValue(lines, 'RSN-FLAGS').replace('(', '').replace(')', '');
      const quality = util.getValue(lines, 'SIGNAL');
      result.push({
        ssid: util.getValue(lines, 'SSID'),
        bssid: util.getValue(lines, 'BSSID').toLowerCase(),
        mode: util.getValue(lines, 'MODE'),
        channel: channel ? parseInt(channel, 10) : null,
        frequency: frequency ? parseInt(frequency, 10) : null,
        signalLevel: wifiDBFromQuality(quality),
        quality: quality ? parseInt(quality, 10) : null,
        security: security && security !== 'none' ? security.split(' ') : [],
        wpaFlags: wpaFlags && wpaFlags !== 'none' ? wpaFlags.split(' ') : [],
        rsnFlags: rsnFlags && rsnFlags !== 'none' ? rsnFlags.split(' ') : []
      });
    });
    return result;
  } catch {
    return [];
  }
}

function getWifiNetworkListIw(iface) {
  const result = [];
  try {
    const iwlistParts = execSync(`export LC_ALL=C; iwlist ${util.sanitizeString(iface, true)} scan 2>&1; unset LC_ALL`, util.execOptsLinux)
      .toString()
      .split('        Cell ');
    if (iwlistParts[0].indexOf('resource busy') >= 0) {
      return -1;
    }
    if (iwlistParts.length > 1) {
      iwlistParts.shift();
      iwlistParts.forEach((element) => {
        const lines = element.split('\n');
        const channel = util.getValue(lines, 'channel', ':', true);
        const address = lines && lines.length && lines[0].indexOf('Address:') >= 0 ? lines[0].split('Address:')[1].trim().toLowerCase() : '';
        const mode = util.getValue(lines, 'mode', ':', true);
        const frequency = util.getValue(lines, 'frequency', ':', true);
        const qualityString = util.getValue(lines, 'Quality', '=', true);
        const dbParts = qualityString.toLowerCase().split('signal level=');
        const db = dbParts.length > 1 ? util.toInt(dbParts[1]) : 0;
        const quality = db ? wifiQualityFromDB(db) : 0;
        const ssid = util.getValue(lines, 'essid', ':', true);

        // security and wpa-flags
        const isWpa = element.indexOf(' WPA ') >= 0;
        const isWpa2 = element.indexOf('WPA2 ') >= 0;
        const security = [];
        if (isWpa) {
          security.push('WPA');
        }
        if (isWpa2) {
          security.push('WPA2');
        }
        const wpaFlags = [];
        let wpaFlag = '';
        lines.forEach((line) => {
          const l = line.trim().toLowerCase();
          if (l.indexOf('group cipher') >= 0) {
            if (wpaFlag) {
              wpaFlags.push(wpaFlag);
            }
            const parts = l.split(':');
            if (parts.length > 1) {
              wpaFlag = parts[1].trim().toUpperCase();
            }
          }
          if (l.indexOf('pairwise cipher') >= 0) {
            const parts = l.split(':');
            if (parts.length > 1) {
              if (parts[1].indexOf('tkip') >= 0) {
                wpaFlag = wpaFlag ? 'TKIP/' + wpaFlag : 'TKIP';
              } else if (parts[1].indexOf('ccmp') >= 0) {
                wpaFlag = wpaFlag ? 'CCMP/' + wpaFlag : 'CCMP';
              } else if (parts[1].indexOf('proprietary') >= 0) {
                wpaFlag = wpaFlag ? 'PROP/' + wpaFlag : 'PROP';
              }
            }
          }
          if (l.indexOf('authentication suites') >= 0) {
            const parts = l.split(':');
            if (parts.length > 1) {
              if (parts[1].indexOf('802.1x') >= 0) {
                wpaFlag = wpaFlag ? '802.1x/' + wpaFlag : '802.1x';
              } else if (parts[1].indexOf('psk') >= 0) {
                wpaFlag = wpaFlag ? 'PSK/' + wpaFlag : 'PSK';
              }
            }
          }
        });
        if (wpaFlag) {
          wpaFlags.push(wpaFlag);
        }

        result.push({
          ssid,
          bssid: address,
          mode,
          channel: channel ? util.toInt(channel) : null,
          frequency: frequency ? util.toInt(frequency.replace('.', '')) : null,
          signalLevel: db,
          quality,
          security,
          wpaFlags,
          rsnFlags: []
        });
      });
    }
    return result;
  } catch {
    return -1;
  }
}

function parseWifiDarwin(wifiStr) {
  const result = [];
  try {
    let wifiObj = JSON.parse(wifiStr);
    wifiObj = wifiObj.SPAirPortDataType[0].spairport_airport_interfaces[0].spairport_airport_other_local_wireless_networks;
    wifiObj.forEach((wifiItem) => {
      const security = [];
      const sm = wifiItem.spairport_security_mode || '';
      if (sm === 'spairport_security_mode_wep') {
        security.push('WEP');
      } else if (sm === 'spairport_security_mode_wpa2_personal') {
        security.push('WPA2');
      } else if (sm.startsWith('spairport_security_mode_wpa2_enterprise')) {
        security.push('WPA2 EAP');
      } else if (sm.startsWith('pairport_security_mode_wpa3_transition')) {
        security.push('WPA2/WPA3');
      } else if (sm.startsWith('pairport_security_mode_wpa3')) {
        security.push('WPA3');
      }
      const channel = parseInt(('' + wifiItem.spairport_network_channel).split(' ')[0]) || 0;
      const signalLevel = wifiItem.spairport_signal_noise || null;

      result.push({
        ssid: wifiItem._name || '',
        bssid: wifiItem.spairport_network_bssid || null,
        mode: wifiItem.spairport_network_phymode,
        channel,
        frequency: wifiFrequencyFromChannel(channel),
        signalLevel: signalLevel ? parseInt(signalLevel, 10) : null,
        quality: wifiQualityFromDB(signalLevel),
        security,
        wpaFlags: [],
        rsnFlags: []
      });
    });
    return result;
  } catch {
    return result;
  }
}
function wifiNetworks(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      let result = [];
      if (_linux) {
        result = getWifiNetworkListNmi();
        if (result.length === 0) {
          try {
            const iwconfigParts = execSync('export LC_ALL=C; iwconfig 2>/dev/null; unset LC_ALL', util.execOptsLinux).toString().split('\n\n');
            let iface = '';
            iwconfigParts.forEach((element) => {
              if (element.indexOf('no wireless') === -1 && element.trim() !== '') {
                iface = element.split(' ')[0];
              }
            });
            if (iface) {
              const ifaceSanitized = util.sanitizeString(iface, true);

              const res = getWifiNetworkListIw(ifaceSanitized);
              if (res === -1) {
                // try again after 4 secs
                setTimeout(() => {
                  const res = getWifiNetworkListIw(ifaceSanitized);
                  if (res !== -1) {
                    result = res;
                  }
                  if (callback) {
                    callback(result);
                  }
                  resolve(result);
                }, 4000);
              } else {
                result = res;
                if (callback) {
                  callback(result);
                }
                resolve(result);
              }
            } else {
              if (callback) {
                callback(result);
              }
              resolve(result);
            }
          } catch {
            if (callback) {
              callback(result);
            }
            resolve(result);
          }
        } else {
          if (callback) {
            callback(result);
          }
          resolve(result);
        }
      } else if (_darwin) {
        const cmd = 'system_profiler SPAirPortDataType -json 2>/dev/null';
        exec(cmd, { maxBuffer: 1024 * 40000 }, (error, stdout) => {
          result = parseWifiDarwin(stdout.toString());
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } else if (_windows) {
        const cmd = 'netsh wlan show networks mode=Bssid';
        util.powerShell(cmd).then((stdout) => {
          const ssidParts = stdout.toString('utf8').split(os.EOL + os.EOL + 'SSID ');
          ssidParts.shift();

          ssidParts.forEach((ssidPart) => {
            const ssidLines = ssidPart.split(os.EOL);
            if (ssidLines && ssidLines.length >= 8 && ssidLines[0].indexOf(':') >= 0) {
              const bssidsParts = ssidPart.split(' BSSID');
              bssidsParts.shift();

              bssidsParts.forEach((bssidPart) => {
                const bssidLines = bssidPart.split(os.EOL);
                if (bssidLines.length < 4) {
                  return;
                }
                const bssidLine = bssidLines[0].split(':');
                bssidLine.shift();
                const bssid = bssidLine.join(':').trim().toLowerCase();
                const channel = bssidLines[3].split(':').pop().trim();
                const quality = bssidLines[1].split(':').pop().trim();

                result.push({
                  ssid: ssidLines[0].split(':').pop().trim(),
                  bssid,
                  mode: '',
                  channel: channel ? parseInt(channel, 10) : null,
                  frequency: wifiFrequencyFromChannel(channel),
                  signalLevel: wifiDBFromQuality(quality),
                  quality: quality ? parseInt(quality, 10) : null,
                  security: [ssidLines[2].split(':').pop().trim()],
                  wpaFlags: [ssidLines[3].split(':').pop().trim()],
                  rsnFlags: []
                });
              });
            }
          });

          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } else {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.wifiNetworks = wifiNetworks;

function getVendor(model) {
  model = model.toLowerCase();
  let result = '';
  if (model.indexOf('intel') >= 0) {
    result = 'Intel';
  } else if (model.indexOf('realtek') >= 0) {
    result = 'Realtek';
  } else if (model.indexOf('qualcom') >= 0) {
    result = 'Qualcom';
  } else if (model.indexOf('broadcom') >= 0) {
    result = 'Broadcom';
  } else if (model.indexOf('cavium') >= 0) {
    result = 'Cavium';
  } else if (model.indexOf('cisco') >= 0) {
    result = 'Cisco';
  } else if (model.indexOf('marvel') >= 0) {
    result = 'Marvel';
  } else if (model.indexOf('zyxel') >= 0) {
    result = 'Zyxel';
  } else if (model.indexOf('melanox') >= 0) {
    result = 'Melanox';
  } else if (model.indexOf('d-link') >= 0) {
    result = 'D-Link';
  } else if (model.indexOf('tp-link') >= 0) {
    result = 'TP-Link';
  } else if (model.indexOf('asus') >= 0) {
    result = 'Asus';
  } else if (model.indexOf('linksys') >= 0) {
    result = 'Linksys';
  }
  return result;
}

function formatBssid(s) {
  s =
    s
      .replace(/</g, '')
      .replace(/>/g, '')
      .match(/.{1,2}/g) || [];
  return s.join(':');
}

function wifiConnections(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = [];

      if (_linux) {
        const ifaces = ifaceListLinux();
        const networkList = getWifiNetworkListNmi();
        ifaces.forEach((ifaceDetail) => {
          const ifaceSanitized = util.sanitizeString(ifaceDetail.iface, true);

          const nmiDetails = nmiDeviceLinux(ifaceSanitized);
          const wpaDetails = wpaConnectionLinux(ifaceSanitized);
          const nmiConnection = nmiConnectionLinux(nmiDetails.uuid);
          const ssid = nmiConnection.ssid || nmiDetails.ssid || wpaDetails.ssid;
          const network = networkList.filter((nw) => nw.ssid === ssid);
          const channel = network && network.length && network[0].channel ? network[0].channel : wpaDetails.channel ? wpaDetails.channel : null;
          const bssid = network && network.length && network[0].bssid ? network[0].bssid : wpaDetails.bssid ? wpaDetails.bssid : null;
          const signalLevel = network && network.length && network[0].signalLevel ? network[0].signalLevel : null;
          if (ssid && bssid) {
            result.push({
              id: ifaceDetail.id,
              iface: ifaceDetail.iface,
              model: nmiDetails.product,
              ssid,
              bssid: network && network.length && network[0].bssid ? network[0].bssid : wpaDetails.bssid ? wpaDetails.bssid : null,
              channel,
              frequency: channel ? wifiFrequencyFromChannel(channel) : null,
              type: nmiConnection.type ? nmiConnection.type : '802.11',
              security: nmiConnection.security ? nmiConnection.security : wpaDetails.security ? wpaDetails.security : null,
              signalLevel,
              quality: wifiQualityFromDB(signalLevel),
              txRate: null
            });
          }
        });
        if (callback) {
          callback(result);
        }
        resolve(result);
      } else if (_darwin) {
        const cmd = 'system_profiler SPNetworkDataType SPAirPortDataType -xml 2>/dev/null; echo "######" ; ioreg -n AppleBCMWLANSkywalkInterface -r 2>/dev/null';
        exec(cmd, (error, stdout) => {
          try {
            const parts = stdout.toString().split('######');
            const profilerObj = util.plistParser(parts[0]);
            const networkObj = profilerObj[0]._SPCommandLineArguments.indexOf('SPNetworkDataType') >= 0 ? profilerObj[0]._items : profilerObj[1]._items;
            const airportObj =
              profilerObj[0]._SPCommandLineArguments.indexOf('SPAirPortDataType') >= 0 ? profilerObj[0]._items[0].spairport_airport_interfaces : profilerObj[1]._items[0].spairport_airport_interfaces;

            // parts[1] : ioreg
            let lines3 = [];
            if (parts[1].indexOf('  | {') > 0 && parts[1].indexOf('  | }') > parts[1].indexOf('  | {')) {
              lines3 = parts[1].split('  | {')[1].split('  | }')[0].replace(/ \| /g, '').replace(/"/g, '').split('\n');
            }

            const networkWifiObj = networkObj.find((item) => {
              return item._name === 'Wi-Fi';
            });
            const airportWifiObj = airportObj[0].spairport_current_network_information;

            const channel = parseInt(('' + airportWifiObj.spairport_network_channel).split(' ')[0], 10) || 0;
            const signalLevel = airportWifiObj.spairport_signal_noise || null;

            const security = [];
            const sm = airportWifiObj.spairport_security_mode || '';
            if (sm === 'spairport_security_mode_wep') {
              security.push('WEP');
            } else if (sm === 'spairport_security_mode_wpa2_personal') {
              security.push('WPA2');
            } else if (sm.startsWith('spairport_security_mode_wpa2_enterprise')) {
              security.push('WPA2 EAP');
            } else if (sm.startsWith('pairport_security_mode_wpa3_transition')) {
              security.push('WPA2/WPA3');
            } else if (sm.startsWith('pairport_security_mode_wpa3')) {
              security.push('WPA3');
            }

            result.push({
              id: networkWifiObj._name || 'Wi-Fi',
              iface: networkWifiObj.interface || '',
              model: networkWifiObj.hardware || '',
              ssid: (airportWifiObj._name || '').replace('&lt;', '<').replace('&gt;', '>'),
              bssid: airportWifiObj.spairport_network_bssid || '',
              channel,
              frequency: channel ? wifiFrequencyFromChannel(channel) : null,
              type: airportWifiObj.spairport_network_phymode || '802.11',
              security,
              signalLevel: signalLevel ? parseInt(signalLevel, 10) : null,
              quality: wifiQualityFromDB(signalLevel),
              txRate: airportWifiObj.spairport_network_rate || null
            });
          } catch {
            util.noop();
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } else if (_windows) {
        const cmd = 'netsh wlan show interfaces';
        util.powerShell(cmd).then((stdout) => {
          const allLines = stdout.toString().split('\r\n');
          for (let i = 0; i < allLines.length; i++) {
            allLines[i] = allLines[i].trim();
          }
          const parts = allLines.join('\r\n').split(':\r\n\r\n');
          parts.shift();
          parts.forEach((part) => {
            const lines = part.split('\r\n');
            if (lines.length >= 5) {
              const iface = lines[0].indexOf(':') >= 0 ? lines[0].split(':')[1].trim() : '';
              const model = lines[1].indexOf(':') >= 0 ? lines[1].split(':')[1].trim() : '';
              const id = lines[2].indexOf(':') >= 0 ? lines[2].split(':')[1].trim() : '';
              const ssid = util.getValue(lines, 'SSID', ':', true);
              const bssid = util.getValue(lines, 'BSSID', ':', true) || util.getValue(lines, 'AP BSSID', ':', true);
              const quality = util.getValue(lines, 'Signal', ':', true);
              const signalLevel = wifiDBFromQuality(quality);
              const type = util.getValue(lines, 'Radio type', ':', true) || util.getValue(lines, 'Type de radio', ':', true) || util.getValue(lines, 'Funktyp', ':', true) || null;
              const security = util.getValue(lines, 'authentication', ':', true) || util.getValue(lines, 'Authentification', ':', true) || util.getValue(lines, 'Authentifizierung', ':', true) || null;
              const channel = util.getValue(lines, 'Channel', ':', true) || util.getValue(lines, 'Canal', ':', true) || util.getValue(lines, 'Kanal', ':', true) || null;
              const txRate =
                util.getValue(lines, 'Transmit rate (mbps)', ':', true) || util.getValue(lines, 'Transmission (mbit/s)', ':', true) || util.getValue(lines, 'Empfangsrate (MBit/s)', ':', true) || null;
              if (model && id && ssid && bssid) {
                result.push({
                  id,
                  iface,
                  model,
                  ssid,
                  bssid,
                  channel: util.toInt(channel),
                  frequency: channel ? wifiFrequencyFromChannel(channel) : null,
                  type,
                  security,
                  signalLevel,
                  quality: quality ? parseInt(quality, 10) : null,
                  txRate: util.toInt(txRate) || null
                });
              }
            }
          });
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } else {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.wifiConnections = wifiConnections;

function wifiInterfaces(callback) {
  callback = util.isFunction(callback) ? callback : null;
  return new Promise((resolve) => {
    process.nextTick(() => {
      const result = [];

      if (_linux) {
        const ifaces = ifaceListLinux();
        ifaces.forEach((ifaceDetail) => {
          const ifaceSanitized = util.sanitizeString(ifaceDetail.iface, true);

          const nmiDetails = nmiDeviceLinux(ifaceSanitized);
          result.push({
            id: ifaceDetail.id,
            iface: ifaceDetail.iface,
            model: nmiDetails.product ? nmiDetails.product : null,
            vendor: nmiDetails.vendor ? nmiDetails.vendor : null,
            mac: ifaceDetail.mac
          });
        });
        if (callback) {
          callback(result);
        }
        resolve(result);
      } else if (_darwin) {
        const cmd = 'system_profiler SPNetworkDataType';
        exec(cmd, (error, stdout) => {
          const parts1 = stdout.toString().split('\n\n    Wi-Fi:\n\n');
          if (parts1.length > 1) {
            const lines = parts1[1].split('\n\n')[0].split('\n');
            const iface = util.getValue(lines, 'BSD Device Name', ':', true);
            const mac = util.getValue(lines, 'MAC Address', ':', true);
            const model = util.getValue(lines, 'hardware', ':', true);
            result.push({
              id: 'Wi-Fi',
              iface,
              model,
              vendor: '',
              mac
            });
          }
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } else if (_windows) {
        const cmd = 'netsh wlan show interfaces';
        util.powerShell(cmd).then((stdout) => {
          const allLines = stdout.toString().split('\r\n');
          for (let i = 0; i < allLines.length; i++) {
            allLines[i] = allLines[i].trim();
          }
          const parts = allLines.join('\r\n').split(':\r\n\r\n');
          parts.shift();
          parts.forEach((part) => {
            const lines = part.split('\r\n');
            if (lines.length >= 5) {
              const iface = lines[0].indexOf(':') >= 0 ? lines[0].split(':')[1].trim() : '';
              const model = lines[1].indexOf(':') >= 0 ? lines[1].split(':')[1].trim() : '';
              const id = lines[2].indexOf(':') >= 0 ? lines[2].split(':')[1].trim() : '';
              const macParts = lines[3].indexOf(':') >= 0 ? lines[3].split(':') : [];
              macParts.shift();
              const mac = macParts.join(':').trim();
              const vendor = getVendor(model);
              if (iface && model && id && mac) {
                result.push({
                  id,
                  iface,
                  model,
                  vendor,
                  mac
                });
              }
            }
          });
          if (callback) {
            callback(result);
          }
          resolve(result);
        });
      } else {
        if (callback) {
          callback(result);
        }
        resolve(result);
      }
    });
  });
}

exports.wifiInterfaces = wifiInterfaces;


/***/ }),

/***/ 681:
/***/ ((module) => {

module.exports = {"rE":"5.33.23"};

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(486);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
