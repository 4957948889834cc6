package dev.tandem.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A parser of PromQL expressions, for checking the alert rules and dashboard queries of deploy/monitoring without a
 * Prometheus server. No PromQL parser for Java resolves from Maven Central here (io.github.oatelauser:promql-core is
 * listed but not served), so this follows the grammar of Prometheus's own parser (promql/parser/generated_parser.y and
 * lex.go): operator precedence and associativity, vector matching (on/ignoring, group_left/right), bool, aggregations
 * with by/without before or after their arguments, range and subquery selectors, offset and @, and it checks the value
 * types the way Prometheus does (a range vector only where a function takes one, no range vector in arithmetic,
 * aggregations over instant vectors) and the arity and argument types of the functions it knows. It returns the
 * metric names the expression selects. Where promtool is installed, MonitoringTest also runs it on the rules.
 */
final class PromqlSyntax {
    enum Type { SCALAR, VECTOR, MATRIX, STRING }

    /** A parsed expression: its value type and the metric names it selects. */
    record Parsed(Type type, Set<String> metrics) {
    }

    static final class PromqlException extends RuntimeException {
        PromqlException(String message) {
            super(message);
        }
    }

    private static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "group", "stddev",
            "stdvar", "topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio");
    private static final Set<String> PARAMETERISED = Set.of("topk", "bottomk", "quantile", "count_values", "limitk",
            "limit_ratio");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "and", "or", "unless", "atan2");
    private static final Type S = Type.SCALAR;
    private static final Type V = Type.VECTOR;
    private static final Type M = Type.MATRIX;
    private static final Type STR = Type.STRING;

    /** Function name to (argument types, how many trailing ones are optional, whether the last repeats, result). */
    private record Function(List<Type> args, int optional, boolean variadic, Type result) {
    }

    private static final Map<String, Function> FUNCTIONS = Map.ofEntries(
            Map.entry("abs", f(V, List.of(V))), Map.entry("absent", f(V, List.of(V))),
            Map.entry("absent_over_time", f(V, List.of(M))), Map.entry("avg_over_time", f(V, List.of(M))),
            Map.entry("ceil", f(V, List.of(V))), Map.entry("changes", f(V, List.of(M))),
            Map.entry("clamp", f(V, List.of(V, S, S))), Map.entry("clamp_max", f(V, List.of(V, S))),
            Map.entry("clamp_min", f(V, List.of(V, S))), Map.entry("count_over_time", f(V, List.of(M))),
            Map.entry("day_of_month", new Function(List.of(V), 1, false, V)),
            Map.entry("day_of_week", new Function(List.of(V), 1, false, V)),
            Map.entry("delta", f(V, List.of(M))), Map.entry("deriv", f(V, List.of(M))),
            Map.entry("exp", f(V, List.of(V))), Map.entry("floor", f(V, List.of(V))),
            Map.entry("histogram_quantile", f(V, List.of(S, V))), Map.entry("hour", new Function(List.of(V), 1, false, V)),
            Map.entry("idelta", f(V, List.of(M))), Map.entry("increase", f(V, List.of(M))),
            Map.entry("irate", f(V, List.of(M))),
            Map.entry("label_join", new Function(List.of(V, STR, STR, STR), 0, true, V)),
            Map.entry("label_replace", f(V, List.of(V, STR, STR, STR, STR))),
            Map.entry("last_over_time", f(V, List.of(M))), Map.entry("ln", f(V, List.of(V))),
            Map.entry("log10", f(V, List.of(V))), Map.entry("log2", f(V, List.of(V))),
            Map.entry("max_over_time", f(V, List.of(M))), Map.entry("min_over_time", f(V, List.of(M))),
            Map.entry("minute", new Function(List.of(V), 1, false, V)), Map.entry("predict_linear", f(V, List.of(M, S))),
            Map.entry("present_over_time", f(V, List.of(M))), Map.entry("quantile_over_time", f(V, List.of(S, M))),
            Map.entry("rate", f(V, List.of(M))), Map.entry("resets", f(V, List.of(M))),
            Map.entry("round", new Function(List.of(V, S), 1, false, V)), Map.entry("scalar", f(S, List.of(V))),
            Map.entry("sgn", f(V, List.of(V))), Map.entry("sort", f(V, List.of(V))), Map.entry("sort_desc", f(V, List.of(V))),
            Map.entry("sqrt", f(V, List.of(V))), Map.entry("stddev_over_time", f(V, List.of(M))),
            Map.entry("stdvar_over_time", f(V, List.of(M))), Map.entry("sum_over_time", f(V, List.of(M))),
            Map.entry("time", f(S, List.of())), Map.entry("timestamp", f(V, List.of(V))),
            Map.entry("vector", f(V, List.of(S))), Map.entry("year", new Function(List.of(V), 1, false, V)));

    private static Function f(Type result, List<Type> args) {
        return new Function(args, 0, false, result);
    }

    // ---- lexer ----

    private enum Kind { IDENT, NUMBER, DURATION, STRING, OP, LEFT_PAREN, RIGHT_PAREN, LEFT_BRACE, RIGHT_BRACE,
        LEFT_BRACKET, RIGHT_BRACKET, COMMA, COLON, AT, EOF }

    private record Token(Kind kind, String text, int at) {
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
    private static final Pattern NUMBER = Pattern.compile(
            "(0[xX][0-9a-fA-F]+|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[Ii][Nn][Ff]|[Nn][Aa][Nn])");

    private static List<Token> lex(String input) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '#') {
                while (i < input.length() && input.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            int start = i;
            switch (c) {
                case '(' -> out.add(new Token(Kind.LEFT_PAREN, "(", i++));
                case ')' -> out.add(new Token(Kind.RIGHT_PAREN, ")", i++));
                case '{' -> out.add(new Token(Kind.LEFT_BRACE, "{", i++));
                case '}' -> out.add(new Token(Kind.RIGHT_BRACE, "}", i++));
                case '[' -> out.add(new Token(Kind.LEFT_BRACKET, "[", i++));
                case ']' -> out.add(new Token(Kind.RIGHT_BRACKET, "]", i++));
                case ',' -> out.add(new Token(Kind.COMMA, ",", i++));
                case ':' -> out.add(new Token(Kind.COLON, ":", i++));
                case '@' -> out.add(new Token(Kind.AT, "@", i++));
                case '"', '\'', '`' -> {
                    i++;
                    StringBuilder b = new StringBuilder();
                    while (i < input.length() && input.charAt(i) != c) {
                        if (input.charAt(i) == '\\' && c != '`') {
                            i++;
                            if (i >= input.length()) {
                                throw new PromqlException("unterminated string at " + start);
                            }
                        } else if (input.charAt(i) == '\n' && c != '`') {
                            throw new PromqlException("line break in a string at " + start);
                        }
                        b.append(input.charAt(i++));
                    }
                    if (i >= input.length()) {
                        throw new PromqlException("unterminated string at " + start);
                    }
                    i++;
                    out.add(new Token(Kind.STRING, b.toString(), start));
                }
                default -> {
                    String two = i + 2 <= input.length() ? input.substring(i, i + 2) : "";
                    if (List.of("==", "!=", ">=", "<=", "=~", "!~").contains(two)) {
                        out.add(new Token(Kind.OP, two, i));
                        i += 2;
                    } else if ("+-*/%^<>=".indexOf(c) >= 0) {
                        out.add(new Token(Kind.OP, String.valueOf(c), i++));
                    } else if (Character.isDigit(c) || c == '.') {
                        var d = DURATION.matcher(input).region(i, input.length());
                        var n = NUMBER.matcher(input).region(i, input.length());
                        if (d.lookingAt() && (!n.lookingAt() || d.end() > n.end())) {
                            out.add(new Token(Kind.DURATION, d.group(), i));
                            i = d.end();
                        } else if (n.lookingAt()) {
                            out.add(new Token(Kind.NUMBER, n.group(), i));
                            i = n.end();
                        } else {
                            throw new PromqlException("bad number at " + i);
                        }
                    } else if (Character.isLetter(c) || c == '_' || c == ':') {
                        while (i < input.length() && (Character.isLetterOrDigit(input.charAt(i))
                                || input.charAt(i) == '_' || input.charAt(i) == ':')) {
                            i++;
                        }
                        out.add(new Token(Kind.IDENT, input.substring(start, i), start));
                    } else {
                        throw new PromqlException("unexpected character '" + c + "' at " + i);
                    }
                }
            }
        }
        out.add(new Token(Kind.EOF, "", input.length()));
        return out;
    }

    // ---- parser ----

    private final List<Token> tokens;
    private final Set<String> metrics = new LinkedHashSet<>();
    private int pos;

    private PromqlSyntax(String input) {
        this.tokens = lex(input);
    }

    /** Parses one expression that must give an instant vector or a scalar (as rules and panels do). */
    static Parsed parse(String expression) {
        PromqlSyntax p = new PromqlSyntax(expression);
        Type t = p.expression();
        if (p.peek().kind() != Kind.EOF) {
            throw new PromqlException("unexpected '" + p.peek().text() + "' at " + p.peek().at());
        }
        if (t != Type.VECTOR && t != Type.SCALAR) {
            throw new PromqlException("the expression gives a " + t.name().toLowerCase() + ", not an instant vector"
                    + " or a scalar");
        }
        return new Parsed(t, Set.copyOf(p.metrics));
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        return tokens.get(pos++);
    }

    private boolean at(Kind kind, String text) {
        Token t = peek();
        return t.kind() == kind && (text == null || t.text().equals(text));
    }

    private boolean atKeyword(String word) {
        return peek().kind() == Kind.IDENT && peek().text().equalsIgnoreCase(word);
    }

    private Token expect(Kind kind, String what) {
        Token t = next();
        if (t.kind() != kind) {
            throw new PromqlException("expected " + what + " at " + t.at() + ", found '" + t.text() + "'");
        }
        return t;
    }

    private Type expression() {
        return binary(0);
    }

    /** Binary operators by precedence, lowest first (Prometheus: or; and unless; comparisons; + -; * / % atan2; ^). */
    private static final List<List<String>> LEVELS = List.of(List.of("or"), List.of("and", "unless"),
            List.of("==", "!=", "<=", "<", ">=", ">"), List.of("+", "-"), List.of("*", "/", "%", "atan2"), List.of("^"));

    private Type binary(int level) {
        if (level == LEVELS.size()) {
            return unary();
        }
        Type left = binary(level + 1);
        while (true) {
            String op = operatorAt(level);
            if (op == null) {
                return left;
            }
            next();
            boolean comparison = level == 2;
            boolean bool = false;
            if (atKeyword("bool")) {
                if (!comparison) {
                    throw new PromqlException("bool only after a comparison, at " + peek().at());
                }
                next();
                bool = true;
            }
            boolean matching = vectorMatching();
            // '^' is right-associative: its right side binds at the same level.
            Type right = level == LEVELS.size() - 1 ? binary(level) : binary(level + 1);
            left = combine(op, left, right, comparison, bool, matching, level <= 1);
            if (level == LEVELS.size() - 1) {
                return left;
            }
        }
    }

    private String operatorAt(int level) {
        Token t = peek();
        for (String op : LEVELS.get(level)) {
            if ((t.kind() == Kind.OP && t.text().equals(op)) || (t.kind() == Kind.IDENT && t.text().equalsIgnoreCase(op)
                    && Character.isLetter(op.charAt(0)))) {
                return op;
            }
        }
        return null;
    }

    private Type combine(String op, Type left, Type right, boolean comparison, boolean bool, boolean matching,
                         boolean setOperator) {
        for (Type t : List.of(left, right)) {
            if (t == Type.MATRIX || t == Type.STRING) {
                throw new PromqlException("binary operator " + op + " on a " + t.name().toLowerCase()
                        + " (a range vector needs a function such as rate() first)");
            }
        }
        if (setOperator && (left != Type.VECTOR || right != Type.VECTOR)) {
            throw new PromqlException("set operator " + op + " needs instant vectors on both sides");
        }
        if (matching && (left != Type.VECTOR || right != Type.VECTOR)) {
            throw new PromqlException("vector matching (on/ignoring/group_*) needs instant vectors on both sides");
        }
        if (comparison && left == Type.SCALAR && right == Type.SCALAR && !bool) {
            throw new PromqlException("comparisons between scalars must use bool");
        }
        return left == Type.VECTOR || right == Type.VECTOR ? Type.VECTOR : Type.SCALAR;
    }

    /** on(...) / ignoring(...) with an optional group_left(...) / group_right(...); true when present. */
    private boolean vectorMatching() {
        if (!atKeyword("on") && !atKeyword("ignoring")) {
            if (atKeyword("group_left") || atKeyword("group_right")) {
                throw new PromqlException(peek().text() + " without on() or ignoring() at " + peek().at());
            }
            return false;
        }
        next();
        labelList();
        if (atKeyword("group_left") || atKeyword("group_right")) {
            next();
            if (at(Kind.LEFT_PAREN, null)) {
                labelList();
            }
        }
        return true;
    }

    private void labelList() {
        expect(Kind.LEFT_PAREN, "'('");
        if (at(Kind.RIGHT_PAREN, null)) {
            next();
            return;
        }
        while (true) {
            Token label = expect(Kind.IDENT, "a label name");
            if (label.text().contains(":")) {
                throw new PromqlException("'" + label.text() + "' is no label name");
            }
            if (at(Kind.COMMA, null)) {
                next();
                if (at(Kind.RIGHT_PAREN, null)) {
                    break;
                }
                continue;
            }
            break;
        }
        expect(Kind.RIGHT_PAREN, "')'");
    }

    private Type unary() {
        if (at(Kind.OP, "-") || at(Kind.OP, "+")) {
            next();
            Type t = unary();
            if (t != Type.SCALAR && t != Type.VECTOR) {
                throw new PromqlException("unary minus on a " + t.name().toLowerCase());
            }
            return t;
        }
        return postfix(primary());
    }

    /** Range ([5m]) or subquery ([1h:5m]) selectors, then offset and @ modifiers. */
    private Type postfix(Type t) {
        boolean selector = lastWasSelector;
        if (at(Kind.LEFT_BRACKET, null)) {
            next();
            duration("a range");
            if (at(Kind.COLON, null)) {
                next();
                if (!at(Kind.RIGHT_BRACKET, null)) {
                    duration("a resolution");
                }
                if (t != Type.VECTOR) {
                    throw new PromqlException("a subquery needs an instant vector");
                }
            } else if (!selector) {
                throw new PromqlException("a range [..] applies to a series selector only; use a subquery [range:step]");
            }
            expect(Kind.RIGHT_BRACKET, "']'");
            t = Type.MATRIX;
        }
        while (atKeyword("offset") || at(Kind.AT, null)) {
            if (next().kind() == Kind.AT) {
                if (atKeyword("start") || atKeyword("end")) {
                    next();
                    expect(Kind.LEFT_PAREN, "'('");
                    expect(Kind.RIGHT_PAREN, "')'");
                } else {
                    if (at(Kind.OP, "-") || at(Kind.OP, "+")) {
                        next();
                    }
                    expect(Kind.NUMBER, "a timestamp after @");
                }
            } else {
                if (at(Kind.OP, "-")) {
                    next();
                }
                duration("an offset");
            }
        }
        lastWasSelector = false;
        return t;
    }

    private void duration(String what) {
        Token t = next();
        if (t.kind() != Kind.DURATION && !(t.kind() == Kind.IDENT && t.text().startsWith("$"))) {
            throw new PromqlException("expected " + what + " duration at " + t.at() + ", found '" + t.text() + "'");
        }
    }

    private boolean lastWasSelector;

    private Type primary() {
        lastWasSelector = false;
        Token t = peek();
        switch (t.kind()) {
            case NUMBER -> {
                next();
                return Type.SCALAR;
            }
            case STRING -> {
                next();
                return Type.STRING;
            }
            case LEFT_PAREN -> {
                next();
                Type inner = expression();
                expect(Kind.RIGHT_PAREN, "')'");
                return inner;
            }
            case LEFT_BRACE -> {
                matchers(null);
                lastWasSelector = true;
                return Type.VECTOR;
            }
            case IDENT -> {
                String name = t.text();
                String lower = name.toLowerCase();
                if (AGGREGATIONS.contains(lower) && (tokens.get(pos + 1).kind() == Kind.LEFT_PAREN
                        || isKeyword(tokens.get(pos + 1), "by") || isKeyword(tokens.get(pos + 1), "without"))) {
                    return aggregation(lower);
                }
                if (tokens.get(pos + 1).kind() == Kind.LEFT_PAREN) {
                    return call(name);
                }
                if (KEYWORDS.contains(lower)) {
                    throw new PromqlException("unexpected keyword '" + name + "' at " + t.at());
                }
                next();
                if (at(Kind.LEFT_BRACE, null)) {
                    matchers(name);
                } else {
                    metrics.add(name);
                }
                lastWasSelector = true;
                return Type.VECTOR;
            }
            default -> throw new PromqlException("unexpected '" + t.text() + "' at " + t.at());
        }
    }

    private static boolean isKeyword(Token t, String word) {
        return t.kind() == Kind.IDENT && t.text().equalsIgnoreCase(word);
    }

    private void matchers(String name) {
        expect(Kind.LEFT_BRACE, "'{'");
        String metric = name;
        boolean anyNonEmpty = false;
        while (!at(Kind.RIGHT_BRACE, null)) {
            Token label = expect(Kind.IDENT, "a label name");
            Token op = expect(Kind.OP, "a matcher (=, !=, =~, !~)");
            if (!List.of("=", "!=", "=~", "!~").contains(op.text())) {
                throw new PromqlException("'" + op.text() + "' is no label matcher, at " + op.at());
            }
            Token value = expect(Kind.STRING, "a quoted label value");
            if (op.text().endsWith("~")) {
                try {
                    Pattern.compile(value.text());
                } catch (PatternSyntaxException e) {
                    throw new PromqlException("bad regular expression \"" + value.text() + "\": " + e.getDescription());
                }
            }
            if ("__name__".equals(label.text()) && "=".equals(op.text())) {
                if (metric != null) {
                    throw new PromqlException("metric name given twice");
                }
                metric = value.text();
            }
            boolean matchesEmpty = switch (op.text()) {
                case "=" -> value.text().isEmpty();
                case "!=" -> !value.text().isEmpty();
                case "=~" -> Pattern.matches(value.text(), "");
                default -> !Pattern.matches(value.text(), "");
            };
            anyNonEmpty |= !matchesEmpty;
            if (at(Kind.COMMA, null)) {
                next();
            } else if (!at(Kind.RIGHT_BRACE, null)) {
                throw new PromqlException("expected ',' or '}' at " + peek().at() + ", found '" + peek().text() + "'");
            }
        }
        expect(Kind.RIGHT_BRACE, "'}'");
        if (metric == null && !anyNonEmpty) {
            throw new PromqlException("a selector needs a metric name or a matcher that does not match the empty string");
        }
        if (metric != null) {
            metrics.add(metric);
        }
    }

    private Type aggregation(String op) {
        next();
        boolean grouped = false;
        if (atKeyword("by") || atKeyword("without")) {
            next();
            labelList();
            grouped = true;
        }
        expect(Kind.LEFT_PAREN, "'(' after " + op);
        if (PARAMETERISED.contains(op)) {
            Type parameter = expression();
            Type wanted = op.equals("count_values") ? Type.STRING : Type.SCALAR;
            if (parameter != wanted) {
                throw new PromqlException(op + " takes a " + wanted.name().toLowerCase() + " parameter first");
            }
            expect(Kind.COMMA, "',' after the parameter of " + op);
        }
        Type inner = expression();
        if (inner != Type.VECTOR) {
            throw new PromqlException(op + "() aggregates an instant vector, got a " + inner.name().toLowerCase());
        }
        expect(Kind.RIGHT_PAREN, "')'");
        if (!grouped && (atKeyword("by") || atKeyword("without"))) {
            next();
            labelList();
        }
        return Type.VECTOR;
    }

    private Type call(String name) {
        Function fn = FUNCTIONS.get(name);
        if (fn == null) {
            throw new PromqlException("unknown function " + name + "()");
        }
        next();
        expect(Kind.LEFT_PAREN, "'('");
        List<Type> args = new ArrayList<>();
        while (!at(Kind.RIGHT_PAREN, null)) {
            args.add(expression());
            if (at(Kind.COMMA, null)) {
                next();
            } else if (!at(Kind.RIGHT_PAREN, null)) {
                throw new PromqlException("expected ',' or ')' in " + name + "() at " + peek().at());
            }
        }
        expect(Kind.RIGHT_PAREN, "')'");
        int min = fn.args().size() - fn.optional();
        if (args.size() < min || (!fn.variadic() && args.size() > fn.args().size())) {
            throw new PromqlException(name + "() takes " + (fn.optional() > 0 ? min + " to " : "")
                    + fn.args().size() + " arguments, got " + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            Type want = fn.args().get(Math.min(i, fn.args().size() - 1));
            if (args.get(i) != want) {
                throw new PromqlException(name + "() wants a " + want.name().toLowerCase() + " as argument " + (i + 1)
                        + ", got a " + args.get(i).name().toLowerCase());
            }
        }
        return fn.result();
    }
}
