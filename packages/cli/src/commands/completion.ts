import type { Command, Option } from 'commander';
import { InvalidArgumentError } from 'commander';
import { action } from '../run-action.js';

const flagsOf = (options: readonly Option[]) => options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined));

/**
 * A bash completion script built from the command tree: command names, then sub-command names,
 * then the options of the command; other words complete as file names.
 */
export function bashCompletion(program: Command): string {
  const globals = [...flagsOf(program.options), '--help'].join(' ');
  const cases: string[] = [];
  for (const command of program.commands) {
    const names = [command.name(), ...command.aliases()].join('|');
    const subs = command.commands.map((c) => c.name());
    const options = flagsOf(command.options).join(' ');
    const subCases = command.commands.map((c) => `          ${c.name()}) opts="${flagsOf(c.options).join(' ')}" ;;`).join('\n');
    cases.push(
      subs.length > 0
        ? `      ${names})
        if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=( $(compgen -W "${subs.join(' ')}" -- "$cur") ); return 0; fi
        case "\${COMP_WORDS[2]}" in
${subCases}
        esac ;;`
        : `      ${names}) opts="${options}" ;;`,
    );
  }
  const commands = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).join(' ');
  return `# bash completion for visor; load with: source <(visor completion bash)
_visor_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands} ${globals}" -- "$cur") )
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts ${globals}" -- "$cur") )
  fi
  return 0
}
complete -o default -F _visor_complete visor
`;
}

/** zsh: the bash function through zsh's bashcompinit. */
export function zshCompletion(program: Command): string {
  return `#compdef visor
# zsh completion for visor; load with: source <(visor completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program).replace(/^# bash completion.*\n/, '')}`;
}

/** `visor completion bash|zsh`. */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(visor completion bash)')
    .argument('<shell>', 'bash or zsh', (value: string) => {
      if (value === 'bash' || value === 'zsh') return value;
      throw new InvalidArgumentError(`must be bash or zsh; got '${value}'`);
    })
    .action(
      action(async (context, shell: 'bash' | 'zsh') => {
        context.output.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
      }),
    );
}
