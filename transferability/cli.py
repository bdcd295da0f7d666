"""La ligne de commande ``transferability`` (elle et ses modules ``_cli`` n'appellent que l'API publique).

Codes de sortie\u00a0: 0 succès\u00a0; 1 erreur dans les données ou les fichiers (message en français)\u00a0; 2 ligne de
commande à corriger\u00a0; 3 erreur interne (à signaler)\u00a0; 130 interrompu (Ctrl+C), 143 arrêté (SIGTERM)\u00a0;
141 sortie fermée (``| head``).
Aucune trace Python n'est montrée, sauf avec la variable d'environnement ``TRANSFERABILITY_DEBUG=1``.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import warnings

from ._cli import UsageError, build_parser, typographic

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 3, 130, 141
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports it


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a job stopped by its scheduler, ``kill``): handled as Ctrl+C, so that the files begun are
    removed and the worker processes stopped."""


def _terminate(signum, frame) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a Windows-1252 console cannot print every character
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        return _main(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv)
    finally:  # None: a handler not set from Python (an embedding program), taken as the default
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.version:
            import transferability

            print(f"transferability {transferability.__version__}")
            return EXIT_OK
        if args.commande is None:
            parser.print_help()
            return EXIT_USAGE
        return _run(args)
    except UsageError as exc:
        _usage_error(exc)
        return EXIT_USAGE
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (nothing more can be printed)
        return EXIT_PIPE
    except KeyboardInterrupt as exc:
        print("Interrompu.", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, _Terminated) else EXIT_INTERRUPTED


def _run(args) -> int:
    import transferability as tr

    from ._cli.commands import COMMANDS

    InputError, ModelError = tr.InputError, tr.ModelError

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            code = COMMANDS[args.command](args)
        except (InputError, ModelError) as exc:
            print(f"Erreur{chr(160)}: {typographic(str(exc))}", file=sys.stderr)
            code = EXIT_USER
        except UsageError as exc:
            _usage_error(exc)
            code = EXIT_USAGE
        except (BrokenPipeError, KeyboardInterrupt):
            raise
        except (OSError, MemoryError) as exc:
            print(f"Erreur{chr(160)}: {_system_message(exc)}", file=sys.stderr)
            code = EXIT_USER
        except Exception as exc:
            if os.environ.get("TRANSFERABILITY_DEBUG"):
                raise
            print(
                f"Erreur interne{chr(160)}: {type(exc).__name__}{chr(160)}: {str(exc)[:300]}\n"
                "Relancer avec TRANSFERABILITY_DEBUG=1 pour voir le détail, et le signaler aux développeurs.",
                file=sys.stderr,
            )
            code = EXIT_INTERNAL
    _print_warnings(caught, args)
    return code


def _usage_error(exc: UsageError) -> None:
    if exc.usage:
        print(exc.usage.rstrip(), file=sys.stderr)
    print(f"Erreur{chr(160)}: {typographic(str(exc))}", file=sys.stderr)
    print("Aide\u00a0: transferability COMMANDE --help", file=sys.stderr)


def _system_message(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "mémoire insuffisante\u00a0; pour un fichier national, utiliser --par-lots"
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    if isinstance(exc, PermissionError):
        return (
            f"accès refusé{where}\u00a0: fichier ouvert dans un autre programme, ou en lecture seule\u00a0?"
        )
    if isinstance(exc, FileNotFoundError):
        return f"fichier ou dossier introuvable{where}"
    if exc.errno == errno.ENOSPC or "[errno 28]" in str(exc).lower():  # arrow's own errors say it so
        return f"disque plein{where}\u00a0: libérer de la place, ou écrire les résultats sur un autre disque"
    return f"{exc.strerror or exc}{where}"


def _print_warnings(caught, args) -> None:
    """The library's own warnings as French lines (once each); others only with -v."""
    from transferability import TransferabilityWarning

    seen = set()
    for w in caught:
        text = str(w.message)
        if text in seen:
            continue
        seen.add(text)
        if issubclass(w.category, TransferabilityWarning):
            if not args.quiet:
                print(f"Attention{chr(160)}: {typographic(text)}", file=sys.stderr)
        elif args.verbose:
            print(f"Note technique{chr(160)}: {w.category.__name__}{chr(160)}: {text}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
