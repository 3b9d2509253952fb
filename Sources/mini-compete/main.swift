import CompeteApp
import Foundation

exit(await MiniCompeteCommand.main())
