# Sourced by the workflows' check steps: `expect <what> <actual> <expected>` fails the step with
# an annotation naming what differed.
expect() {
  if [ "$2" != "$3" ]; then
    echo "::error title=Unexpected $1::expected '$3', got '$2'"
    exit 1
  fi
  echo "ok: $1 = '$2'"
}
