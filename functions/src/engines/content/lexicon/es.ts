import type { Lexicon } from './types';

/** Spanish (written without diacritics since matching drops them). */
export const SPANISH: Lexicon = {
  credential: {
    strong: [
      'su|tu ~ cuenta ~ [ha sido|sera|fue|esta|se ha] ~ suspendida|bloqueada|desactivada|cancelada|restringida|limitada|cerrada',
      '[verifique|verifica|verificar|confirme|confirma|confirmar|actualice|actualiza|actualizar|valide|valida|validar] ~ su|tu|sus|tus ~ cuenta|identidad|informacion|datos|buzon',
      '[inicio de sesion|acceso|actividad] ~ inusual|sospechos*|no autorizad*',
      '[su contrasena|tu contrasena] ~ [caduca|expira|ha expirado|caducara|expirara]',
      'buzon ~ lleno',
      '[haga clic|haz clic|pulse|pulsa] ~ [aqui|en el enlace|en el boton] ~ para ~ [verificar|confirmar|actualizar|restaurar|desbloquear|reactivar|validar]',
      '[evitar|evite|para evitar] ~ [la suspension|el bloqueo|la cancelacion|el cierre]',
      '[se eliminen|seran eliminados|se eliminaran|sera eliminada|seran borrados] ~ archivos|datos|correos|mensajes|cuenta',
    ],
    medium: ['nuevo dispositivo', 'restablecer ~ contrasena'],
  },
  prize: {
    strong: [
      '[felicidades|felicitaciones|enhorabuena] ~ [ha sido|has sido|usted ha|has ganado|ha ganado]',
      '[usted ha ganado|has ganado|ha sido seleccionado|has sido seleccionado|ha sido seleccionada|has sido seleccionada]',
      '[reclame|reclama|reclamar|canjee|canjea] ~ su|tu ~ premio|recompensa|regalo|puntos',
      '[complete|completa|responda|responde] ~ [la encuesta|nuestra encuesta|el cuestionario]',
      '[tu oportunidad de|su oportunidad de] ~ obtener|ganar|recibir|conseguir',
    ],
    medium: ['tarjeta de regalo', 'premio', 'recompensa', 'encuesta', 'meses gratis', 'ganador'],
    weak: ['gratis', 'felicidades'],
  },
  delivery: {
    strong: [
      '[su paquete|tu paquete|su envio|tu envio|su pedido|tu pedido] ~ [esta|ha sido] ~ [retenido|en espera|pendiente|detenido|bloqueado]',
      '[no pudimos|no hemos podido|no pudo|no se pudo] ~ entregar',
      '[tasa|tarifa|gastos|cargos] ~ de ~ [envio|aduana|entrega|importacion]',
      'entrega ~ suspendida|suspendido|fallida|cancelada',
      'paquete|envio ~ [esperando|pendiente de|retenido]',
      '[programa tu entrega|reprograma tu entrega|programe su entrega|reprograme su entrega]',
    ],
    medium: ['pago de aduana'],
    weak: ['numero de seguimiento'],
  },
  authority: {
    strong: ['[notificacion judicial|citacion judicial|orden judicial|demanda judicial|departamento juridico|expediente judicial]'],
    medium: ['citacion', 'penalizacion|sancion'],
  },
  urgency: {
    strong: [
      '[dentro de las|en las proximas|en un plazo de] ~ 24|48|72 ~ horas',
      '[ultimo aviso|accion requerida|accion inmediata]',
      '[remitente de confianza|remitente verificado]',
    ],
    medium: ['urgente', 'inmediatamente', 'de inmediato', 'lo antes posible', '[actua ahora|actue ahora]'],
  },
  advance_fee: {
    strong: ['millones de ~ dolares|euros', '[propuesta de negocio|transferir los fondos|socio extranjero]'],
    medium: ['herencia', 'beneficiario', 'fondos'],
  },
  romance: {
    strong: [
      'chica|chicas|mujeres|esposa|novia ~ ucraniana|ucranianas|rusa|rusas|caliente|calientes|solteras',
      '[citas calientes|fotos intimas]',
    ],
    medium: ['solteras'],
  },
  job: {
    strong: [
      'gana|ganar|ganas|gane|ingresos ~3 [al dia|por dia|diarios|a la semana|por semana|semanales|por hora] ~ [desde casa|desde tu casa|desde su casa|desde tu celular|desde tu movil|en tu tiempo libre]',
      'comision|comisiones ~ [por|por cada|de cada] ~ tarea|pedido|orden|resena|valoracion|video',
      '[completa|completar|realiza|realizar] ~ [tareas|pedidos|ordenes|resenas] ~ [y gana|para ganar|y recibe]',
      '[recarga|recargar|deposita|depositar] ~3 para ~ [desbloquear|continuar|completar|retirar|recibir] ~ [tareas|pedidos|comision|comisiones|salario|ganancias]',
      '[contacta|contactar|escribe|escribir|agrega|agregar] ~3 [recursos humanos|reclutador|reclutadora|coordinador|coordinadora] ~3 [por|en|al] ~ whatsapp|telegram',
    ],
    medium: [
      '[sin experiencia|no se requiere experiencia|no necesitas experiencia|no requiere experiencia]',
      '[pago diario|pagos diarios|cobra cada dia|cobras cada dia]',
      '[sin entrevista]',
      '[gana dinero|ganar dinero|ingresos extra|dinero extra] ~ [desde casa|en linea|online|desde tu celular]',
    ],
    weak: ['[medio tiempo|tiempo parcial|trabajo desde casa|trabajo remoto|oferta de empleo|oferta de trabajo]'],
  },
  spam_offer: {
    strong: ['perder ~ kilos|kg', 'disfuncion erectil', 'tiradas gratis'],
    medium: ['pestanas', 'suero', 'casino', 'sin compromiso'],
  },
  personal_data: {
    strong: ['[numero de tarjeta|codigo de seguridad|numero de seguro social|clave de la tarjeta]'],
    medium: ['fecha de nacimiento'],
  },
  generic_greeting: {
    medium: ['estimado|querido|apreciado|estimada|querida ~ [cliente|usuario|usuaria|miembro|socio|titular]'],
  },
};
